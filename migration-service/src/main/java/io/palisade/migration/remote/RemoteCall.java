package io.palisade.migration.remote;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A blocking JSON call to another Palisade service with the operator's bearer token (never a broader one). Used
 * from worker threads only: the upload request and the apply job.
 */
public final class RemoteCall {

    /** The answer: status and body (a problem document on failure). */
    public record Answer(int status, JsonNode body) {
        public boolean ok() {
            return status >= 200 && status < 300;
        }

        /** The last segment of a problem {@code type}, like "duplicate-name"; empty if none. */
        public String problem() {
            String type = body.path("type").asText("");
            return type.substring(type.lastIndexOf('/') + 1);
        }

        public String detail() {
            return body.path("detail").asText("HTTP " + status);
        }
    }

    /** The other service could not be reached or answered garbage. */
    public static final class Unreachable extends RuntimeException {
        public Unreachable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final HttpClient http;
    private final ObjectMapper mapper;
    private final Duration timeout;

    public RemoteCall(HttpClient http, ObjectMapper mapper, Duration timeout) {
        this.http = http;
        this.mapper = mapper;
        this.timeout = timeout;
    }

    public Answer get(String url, String token) {
        return send(HttpRequest.newBuilder(URI.create(url)).GET(), token);
    }

    public Answer post(String url, String token, Object body) {
        try {
            return send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(mapper.writeValueAsBytes(body))), token);
        } catch (IOException e) {
            throw new Unreachable("cannot encode the request", e);
        }
    }

    public static String q(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private Answer send(HttpRequest.Builder builder, String token) {
        HttpRequest request = builder.header("Authorization", "Bearer " + token).header("Accept", "application/json")
                .timeout(timeout).build();
        try {
            HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
            JsonNode body = response.body().length == 0 ? MissingNode.getInstance() : mapper.readTree(response.body());
            return new Answer(response.statusCode(), body);
        } catch (IOException e) {
            throw new Unreachable(request.uri().getHost() + ":" + request.uri().getPort() + " did not answer: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Unreachable("interrupted", e);
        }
    }
}
