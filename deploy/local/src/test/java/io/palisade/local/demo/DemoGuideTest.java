package io.palisade.local.demo;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The printout names the logins it generated, the real ids, and commands that use them. */
class DemoGuideTest {

    private static final DemoApi.Urls URLS = new DemoApi.Urls("http://127.0.0.1:8081", "http://127.0.0.1:8082",
            "http://127.0.0.1:8083", "https://127.0.0.1:8443");

    private static DemoState seeded() {
        DemoState state = new DemoState();
        for (DemoPlan.Staff s : DemoPlan.standard().operators()) {
            state.login(s.username(), new DemoState.Login("pw-" + s.username(), s.totp() ? "SECRET" + s.username().length() : null));
        }
        state.dynamicGroupId("dyn-group-id");
        return state;
    }

    @Test
    void namesEveryOperatorWithPasswordAndTotpCommand() {
        String text = DemoGuide.render(DemoPlan.standard(), seeded(), new DemoGuide.Facts(URLS, 63, 30,
                "tinyproxy on 127.0.0.1:40000", 9, "task-id", "9/9 succeeded after 11 s"));
        for (DemoPlan.Staff s : DemoPlan.standard().operators()) {
            assertTrue(text.contains(s.username()), s.username());
            assertTrue(text.contains("pw-" + s.username()), "password of " + s.username());
        }
        assertTrue(text.contains("oathtool --totp -b SECRET11"), "maria.lopez's TOTP command");
        assertTrue(text.contains("63 simulated agents"));
        assertTrue(text.contains("(30 through the proxy)"));
        assertTrue(text.contains("tinyproxy on 127.0.0.1:40000"));
        assertTrue(text.contains("9 member(s)"));
        assertTrue(text.contains("RUN_SCAN to that group: 9/9 succeeded after 11 s"));
        assertTrue(text.contains("$GAPI/groups/dyn-group-id/devices"));
        assertTrue(text.contains("$GAPI/tasks/task-id"));
        assertTrue(text.contains("\"groupId\":\"dyn-group-id\""));
        assertTrue(text.contains("API=http://127.0.0.1:8081/api/v1; GAPI=http://127.0.0.1:8082/api/v1"));
        // the sign-in line is for an operator of the MSP that owns the dynamic group, with its TOTP code
        assertTrue(text.contains("\"username\":\"maria.lopez\",\"password\":\"pw-maria.lopez\",\"totp\":\"'$(oathtool --totp -b SECRET11)'\""));
    }

    @Test
    void saysSoWhenThereIsNoProxyOrScan() {
        String text = DemoGuide.render(DemoPlan.standard(), seeded(), new DemoGuide.Facts(URLS, 63, 0,
                "none (tinyproxy is not installed): all agents connect directly", 0, null, null));
        assertTrue(text.contains("(0 through the proxy)"));
        assertTrue(text.contains("all agents connect directly"));
        assertFalse(text.contains("RUN_SCAN to that group"));
        assertFalse(text.contains("$GAPI/tasks/null"));
        assertTrue(text.contains("delete .palisade/ for a fresh demo"), "an empty group is explained");
    }
}
