package io.palisade.gateway.agent;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;

/**
 * Token buckets by key (a device id, a source address, a token hash): {@code capacity} requests per
 * {@code period}, refilled continuously, with a burst of {@code capacity}. Per replica and bounded in
 * memory (idle buckets are forgotten); a limiter is protection, not accounting, so a second replica
 * need not share it.
 */
public final class RateLimiter {

    private final double capacity;
    private final double perNano;
    private final Cache<String, Bucket> buckets;

    public RateLimiter(int capacity, Duration period, long maxKeys) {
        this.capacity = capacity;
        this.perNano = capacity / (double) period.toNanos();
        this.buckets = Caffeine.newBuilder().maximumSize(maxKeys).expireAfterAccess(period.multipliedBy(2)).build();
    }

    /** 0 when the request may go ahead, else the whole seconds to wait before the next one would. */
    public long acquire(String key) {
        Bucket bucket = buckets.get(key, k -> new Bucket(capacity, System.nanoTime()));
        synchronized (bucket) {
            long now = System.nanoTime();
            bucket.tokens = Math.min(capacity, bucket.tokens + (now - bucket.at) * perNano);
            bucket.at = now;
            if (bucket.tokens >= 1) {
                bucket.tokens -= 1;
                return 0;
            }
            double waitNanos = (1 - bucket.tokens) / perNano;
            return Math.max(1, (long) Math.ceil(waitNanos / 1e9));
        }
    }

    private static final class Bucket {
        double tokens;
        long at;

        Bucket(double tokens, long at) {
            this.tokens = tokens;
            this.at = at;
        }
    }
}
