package io.palisade.group.dynamic;

import static io.palisade.group.support.Fleet.as;

import io.palisade.events.GroupEvents;
import io.palisade.events.Topics;
import io.palisade.group.support.Fleet;
import io.palisade.group.support.Fleet.Tenant;
import io.palisade.kit.testing.TopicProbe;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A commit that wrote membership events wakes the outbox relay: with a poll interval of an hour, the
 * events of a new group's fill and of an inventory change still reach Kafka within seconds.
 */
@QuarkusTest
@TestProfile(MembershipEventsLeaveAtCommitTest.HourlyPoll.class)
class MembershipEventsLeaveAtCommitTest {

    public static class HourlyPoll implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("palisade.outbox.poll-interval", "1h");
        }
    }

    @Test
    void membershipEventsDoNotWaitForTheRelaysPoll() {
        Tenant msp = Fleet.tenant(Fleet.unique("MSP"), "MSP", null);
        Tenant customer = Fleet.tenant(Fleet.unique("Cust"), "CUSTOMER", msp);
        String admin = Fleet.operatorWithAll(msp);
        UUID filled = Fleet.device(customer, null, "pc-1");
        UUID changed = Fleet.device(customer, null, "pc-2");
        Fleet.inventory(customer, filled, Fleet.windows("pc-1", false));
        Fleet.inventory(customer, changed, Fleet.windows("pc-2", true));
        org.awaitility.Awaitility.await().atMost(Fleet.WAIT).until(() -> "pc-2".equals(
                as(admin).get("/api/v1/devices/" + changed).then().extract().path("inventory.hostname")));
        String template = DynamicGroupsTest.template(admin, msp, DynamicGroupsTest.WINDOWS_WITHOUT_SECURITY);
        String group = DynamicGroupsTest.dynamicGroup(admin, msp.groupId().toString(), template);
        try (TopicProbe probe = new TopicProbe(Topics.GROUPS)) {
            probe.await(r -> r.key().equals(filled.toString()) && group.equals(r.event().data().path("groupId").asText()),
                    Duration.ofSeconds(20));
            Fleet.inventory(customer, changed, Fleet.windows("pc-2", false));
            probe.await(r -> r.key().equals(changed.toString()) && group.equals(r.event().data().path("groupId").asText())
                    && GroupEvents.JOINED.equals(r.event().data().path("change").asText()), Duration.ofSeconds(20));
        }
    }
}
