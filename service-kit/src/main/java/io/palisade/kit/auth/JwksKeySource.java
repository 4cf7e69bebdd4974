package io.palisade.kit.auth;

import io.palisade.kit.config.PalisadeConfig;
import io.quarkus.arc.DefaultBean;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.PublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.jboss.logging.Logger;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.RsaJsonWebKey;
import org.jose4j.lang.JoseException;

/**
 * Verification keys from tenant-service's JWKS ({@code palisade.tokens.jwks-url}), for every service
 * but tenant-service. Keys are cached; an unknown key id (a rotation) refetches the set, at most
 * once every 10 s, and the set is refreshed when older than 5 minutes so retired keys disappear.
 */
@DefaultBean
@ApplicationScoped
public class JwksKeySource implements TokenKeySource {

    private static final Logger LOG = Logger.getLogger(JwksKeySource.class);
    private static final Duration MIN_REFETCH = Duration.ofSeconds(10);
    private static final Duration MAX_AGE = Duration.ofMinutes(5);

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final PalisadeConfig config;
    private volatile Map<String, PublicKey> keys = Map.of();
    private volatile Instant fetchedAt = Instant.EPOCH;
    private volatile CompletableFuture<Map<String, PublicKey>> inFlight;

    public JwksKeySource(PalisadeConfig config) {
        this.config = config;
    }

    @Override
    public Uni<PublicKey> find(String keyId) {
        Instant now = Instant.now();
        PublicKey known = keys.get(keyId);
        boolean stale = fetchedAt.plus(MAX_AGE).isBefore(now);
        if (known != null && !stale) {
            return Uni.createFrom().item(known);
        }
        if (known == null && !stale && fetchedAt.plus(MIN_REFETCH).isAfter(now)) {
            return Uni.createFrom().nullItem();
        }
        Context context = Vertx.currentContext();
        Uni<Map<String, PublicKey>> fetched = Uni.createFrom().completionStage(this::fetch);
        if (context != null) {
            fetched = fetched.emitOn(task -> context.runOnContext(v -> task.run()));
        }
        return fetched.map(set -> set.get(keyId));
    }

    private synchronized CompletableFuture<Map<String, PublicKey>> fetch() {
        if (inFlight != null && !inFlight.isDone()) {
            return inFlight;
        }
        String url = config.tokens().jwksUrl().orElseThrow(() -> new IllegalStateException("palisade.tokens.jwks-url is not set"));
        HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).GET().build();
        inFlight = http.sendAsync(request, HttpResponse.BodyHandlers.ofString()).handle((response, failure) -> {
            fetchedAt = Instant.now();
            if (failure != null || response.statusCode() != 200) {
                LOG.warnf("Cannot read the JWKS at %s (%s)", url, failure != null ? failure.getMessage() : "HTTP " + response.statusCode());
                return keys;
            }
            try {
                Map<String, PublicKey> parsed = new HashMap<>();
                for (JsonWebKey jwk : new JsonWebKeySet(response.body()).getJsonWebKeys()) {
                    if (jwk instanceof RsaJsonWebKey rsa && jwk.getKeyId() != null) {
                        parsed.put(jwk.getKeyId(), rsa.getRsaPublicKey());
                    }
                }
                keys = Map.copyOf(parsed);
            } catch (JoseException e) {
                LOG.warnf("The JWKS at %s cannot be read: %s", url, e.getMessage());
            }
            return keys;
        });
        return inFlight;
    }
}
