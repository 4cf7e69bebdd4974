package io.palisade.local.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;

/** A small JSON client for the operator APIs (tenant-service, group-service, agent-gateway), as curl would use them. */
public final class DemoApi {

    /** The services' base URLs ({@code http://127.0.0.1:8081}, …). */
    public record Urls(String tenants, String groups, String gateway, String agents) {
    }

    /** An answer: its status and JSON body (a missing node when there is none). */
    public record Answer(int status, JsonNode body) {
        public boolean is(int expected) {
            return status == expected;
        }

        /** The body, if the status is the expected one; else a {@link DemoFailure} naming the call and the problem. */
        JsonNode expect(int expected, String what) {
            if (status != expected) {
                String detail = body.path("detail").asText(body.path("title").asText(body.toString()));
                throw new DemoFailure(what + ": HTTP " + status + (detail.isBlank() ? "" : " — " + detail));
            }
            return body;
        }
    }

    /** Something the demo could not do; the message is for the user. */
    public static final class DemoFailure extends RuntimeException {
        public DemoFailure(String message) {
            super(message);
        }
    }

    static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final Urls urls;

    public DemoApi(Urls urls) {
        this.urls = urls;
    }

    public Urls urls() {
        return urls;
    }

    public Answer get(String url, String token) {
        return send("GET", url, token, null);
    }

    public Answer post(String url, String token, Object body) {
        return send("POST", url, token, body);
    }

    public Answer patch(String url, String token, Object body) {
        return send("PATCH", url, token, body);
    }

    /** {@code base + path + ?k=v&…} with the values URL-encoded; null values are left out. */
    public static String url(String base, String path, Object... query) {
        StringJoiner q = new StringJoiner("&", "?", "");
        q.setEmptyValue("");
        for (int i = 0; i + 1 < query.length; i += 2) {
            if (query[i + 1] != null) {
                q.add(query[i] + "=" + URLEncoder.encode(String.valueOf(query[i + 1]), StandardCharsets.UTF_8));
            }
        }
        return base + path + q;
    }

    /** A JSON object from key/value pairs, keeping nulls (e.g. {@code parentId: null}). */
    public static Map<String, Object> object(Object... pairs) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i + 1 < pairs.length; i += 2) {
            map.put((String) pairs[i], pairs[i + 1]);
        }
        return map;
    }

    private Answer send(String method, String url, String token, Object body) {
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                    .header("Accept", "application/json");
            if (token != null) {
                request.header("Authorization", "Bearer " + token);
            }
            if (body != null) {
                request.header("Content-Type", "application/json")
                        .method(method, HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)));
            } else {
                request.method(method, "POST".equals(method) ? HttpRequest.BodyPublishers.ofString("")
                        : HttpRequest.BodyPublishers.noBody());
            }
            HttpResponse<byte[]> response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            JsonNode json = response.body().length == 0 ? MissingNode.getInstance() : parse(response.body());
            return new Answer(response.statusCode(), json);
        } catch (IOException e) {
            throw new UncheckedIOException(method + " " + url + " failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DemoFailure("interrupted");
        }
    }

    private static JsonNode parse(byte[] body) {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            return MissingNode.getInstance();
        }
    }
}
