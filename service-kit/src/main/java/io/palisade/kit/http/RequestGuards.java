package io.palisade.kit.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.palisade.kit.config.PalisadeConfig;
import io.palisade.kit.problem.CommonProblems;
import io.palisade.kit.problem.Problem;
import io.palisade.kit.problem.ProblemType;
import io.quarkus.security.AuthenticationException;
import io.quarkus.security.UnauthorizedException;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.List;
import java.util.Set;

/**
 * Guards in front of every operator request, before authentication: the body size limit, the
 * network allow-list of the centralized configuration, problem+json for failures that happen
 * below the REST layer (a bad token, an over-long chunked body) and for unknown routes.
 */
@ApplicationScoped
public class RequestGuards {

    /** Paths of the operator API that answer every network: public keys other services fetch. */
    public static final Set<String> PUBLIC_PATHS = Set.of("/api/v1/auth/jwks");

    private final PalisadeConfig config;
    private final ObjectMapper mapper;
    private final List<Cidr> allowed;
    private final List<Cidr> trustedProxies;

    public RequestGuards(PalisadeConfig config, ObjectMapper mapper) {
        this.config = config;
        this.mapper = mapper;
        this.allowed = config.allowedCidrs().stream().map(Cidr::parse).toList();
        this.trustedProxies = config.trustedProxies().orElse(List.of()).stream().map(Cidr::parse).toList();
    }

    void install(@Observes Router router) {
        router.route().order(Integer.MIN_VALUE).handler(this::guard);
        router.route().order(Integer.MAX_VALUE).handler(rc -> send(rc, CommonProblems.NOT_FOUND, "No such resource"));
        router.route().failureHandler(this::failure);
    }

    private void guard(RoutingContext rc) {
        String path = rc.normalizedPath();
        if (path.startsWith("/api/")) {
            String length = rc.request().getHeader(HttpHeaders.CONTENT_LENGTH);
            if (length != null && tooLong(length)) {
                send(rc, CommonProblems.PAYLOAD_TOO_LARGE, "The body may be at most " + config.maxBodyBytes() + " bytes");
                return;
            }
            // a body of unannounced length would be read past the limit before it could be refused
            if (length == null && rc.request().getHeader(HttpHeaders.TRANSFER_ENCODING) != null) {
                send(rc, CommonProblems.LENGTH_REQUIRED, "Send the body with a Content-Length (at most "
                        + config.maxBodyBytes() + " bytes), not chunked");
                return;
            }
            if (length != null && !"0".equals(length.trim()) && rc.request().getHeader(HttpHeaders.CONTENT_TYPE) == null) {
                send(rc, CommonProblems.UNSUPPORTED_MEDIA_TYPE, "Say what the body is: Content-Type: application/json");
                return;
            }
            if (config.exposure() == PalisadeConfig.Exposure.CENTRALIZED && !PUBLIC_PATHS.contains(path)) {
                String peer = rc.request().remoteAddress() == null ? null : rc.request().remoteAddress().hostAddress();
                String client = ClientAddress.resolve(peer, rc.request().getHeader("X-Forwarded-For"), trustedProxies);
                if (client == null || !ClientAddress.inAny(client, allowed)) {
                    send(rc, CommonProblems.NETWORK_NOT_ALLOWED, "The operator API answers only the MSP's own networks");
                    return;
                }
            }
        }
        rc.next();
    }

    private boolean tooLong(String contentLength) {
        try {
            return Long.parseLong(contentLength.trim()) > config.maxBodyBytes();
        } catch (NumberFormatException e) {
            return true;
        }
    }

    private void failure(RoutingContext rc) {
        Throwable failure = rc.failure();
        if (failure instanceof AuthenticationException || failure instanceof UnauthorizedException
                || (failure != null && failure.getCause() instanceof AuthenticationException)) {
            rc.response().putHeader("WWW-Authenticate", "Bearer");
            send(rc, CommonProblems.UNAUTHORIZED, "A valid bearer token is required");
        } else if (rc.statusCode() == 413) {
            send(rc, CommonProblems.PAYLOAD_TOO_LARGE, "The request body is too large");
        } else if (failure == null && rc.statusCode() == 404) {
            send(rc, CommonProblems.NOT_FOUND, "No such resource");
        } else {
            rc.next();
        }
    }

    private void send(RoutingContext rc, ProblemType type, String detail) {
        if (rc.response().ended()) {
            return;
        }
        String body;
        try {
            body = mapper.writeValueAsString(Problem.of(type, detail));
        } catch (JsonProcessingException e) {
            body = "{\"status\":" + type.status() + "}";
        }
        rc.response().setStatusCode(type.status()).putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE).end(body);
    }
}
