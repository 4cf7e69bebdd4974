package io.palisade.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.palisade.kit.consumer.ConsumerLogPruner;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The kit's consumer log forgets applied event ids after the retention (7 days), and only those. */
@QuarkusTest
class ConsumerLogPrunerTest {

    @Inject
    ConsumerLogPruner pruner;

    @Inject
    Pool pool;

    @Test
    void onlyIdsOlderThanTheRetentionAreForgotten() {
        String consumer = "prune-test-" + UUID.randomUUID();
        for (int days : new int[] {30, 8, 6, 0}) {
            pool.preparedQuery("insert into consumed_event (consumer, event_id, consumed_at) values ($1, $2, now() - make_interval(days => $3))")
                    .execute(Tuple.of(consumer, "event-" + days, days)).await().atMost(Duration.ofSeconds(10));
        }
        assertThat(pruner.prune().await().atMost(Duration.ofSeconds(30))).isGreaterThanOrEqualTo(2L);
        var left = pool.preparedQuery("select event_id from consumed_event where consumer = $1 order by event_id")
                .execute(Tuple.of(consumer)).await().atMost(Duration.ofSeconds(10));
        assertThat(left).extracting(r -> r.getString("event_id")).containsExactly("event-0", "event-6");
    }
}
