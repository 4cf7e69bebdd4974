package io.palisade.local.demo;

import java.util.Locale;

/** What {@code ./palisade up --demo} prints once the demo runs: what is there, who to sign in as, what to try. */
public final class DemoGuide {

    private DemoGuide() {
    }

    /**
     * What happened.
     *
     * @param agents       agents running
     * @param proxied      of which through the proxy
     * @param proxy        how the proxy runs ("tinyproxy on 127.0.0.1:PORT, user demo, password …"), or why there is none
     * @param members      members of the dynamic group when the demo looked
     * @param scanTaskId   the RUN_SCAN task the demo sent to the dynamic group, or null
     * @param scanOutcome  how it went, e.g. "7/7 succeeded in 11 s"
     */
    public record Facts(DemoApi.Urls urls, int agents, long proxied, String proxy, long members, String scanTaskId,
                        String scanOutcome) {
    }

    public static String render(DemoPlan plan, DemoState state, Facts facts) {
        String nl = System.lineSeparator();
        StringBuilder sb = new StringBuilder(nl).append("Demo").append(nl);
        sb.append(String.format(Locale.ROOT, "  %d customers under %s, %d simulated agents checking in every few seconds"
                        + " (%d through the proxy)%n", plan.customers().size(), plan.tenants().get(0).name(), facts.agents(),
                facts.proxied()));
        sb.append("  Proxy: ").append(facts.proxy()).append(nl);
        sb.append(String.format(Locale.ROOT, "  %s / \"%s\": %d member(s)%n", plan.dynamicGroupHome(), DemoPlan.DYNAMIC_GROUP,
                facts.members()));
        if (facts.scanTaskId() != null) {
            sb.append("  Task RUN_SCAN to that group: ").append(facts.scanOutcome()).append(nl);
        } else if (facts.members() == 0) {
            sb.append("  (empty: its machines got the product in an earlier run, and the demo keeps their state;"
                    + " delete .palisade/ for a fresh demo)").append(nl);
        }
        sb.append(nl).append("Operators (passwords are generated; they and the TOTP secrets are kept in .palisade/demo/state.json):")
                .append(nl);
        for (DemoPlan.Staff staff : plan.operators()) {
            DemoState.Login login = state.login(staff.username());
            String password = login == null ? "?" : login.password();
            String totp = !staff.totp() ? "no TOTP"
                    : login == null || login.totpSecret() == null ? "TOTP (secret set up earlier, not known here)"
                    : "TOTP: oathtool --totp -b " + login.totpSecret();
            sb.append(String.format(Locale.ROOT, "  %-14s %-28s %-11s password %-18s %s%n", staff.username(), staff.home(),
                    staff.role() == DemoPlan.Role.FULL ? "full" : "read-only", password, totp));
        }

        DemoPlan.Staff first = plan.operators().stream().filter(s -> s.home().equals(plan.dynamicGroupHome())
                && s.role() == DemoPlan.Role.FULL).findFirst().orElse(plan.operators().get(0));
        DemoState.Login login = state.login(first.username());
        String totpPart = first.totp() && login != null && login.totpSecret() != null
                ? ",\"totp\":\"'$(oathtool --totp -b " + login.totpSecret() + ")'\"" : "";
        String group = state.dynamicGroupId();
        sb.append(nl).append("Try (curl only; oathtool comes with Debian's oathtool package; a TOTP code works once,"
                + " so wait for the next one between sign-ins):").append(nl);
        sb.append("  API=").append(facts.urls().tenants()).append("/api/v1; GAPI=").append(facts.urls().groups())
                .append("/api/v1; AAPI=").append(facts.urls().gateway()).append("/api/v1").append(nl);
        sb.append("  TOKEN=$(curl -s $API/auth/login -H 'Content-Type: application/json' -d '{\"username\":\"")
                .append(first.username()).append("\",\"password\":\"").append(login == null ? "?" : login.password())
                .append("\"").append(totpPart).append("}' | sed -E 's/.*\"accessToken\":\"([^\"]*)\".*/\\1/')").append(nl);
        sb.append("  H=\"Authorization: Bearer $TOKEN\"").append(nl);
        sb.append("  curl -s $API/tenants -H \"$H\"                                   # ").append(first.home())
                .append(" and its customers").append(nl);
        sb.append("  curl -s \"$GAPI/devices?limit=5\" -H \"$H\"                       # live devices, inventory and lastSeenAt")
                .append(nl);
        sb.append("  curl -s $GAPI/groups/").append(group).append("/devices -H \"$H\"   # Windows without the security product")
                .append(nl);
        if (facts.scanTaskId() != null) {
            sb.append("  curl -s $GAPI/tasks/").append(facts.scanTaskId()).append(" -H \"$H\"       # the scan's counts")
                    .append(nl);
        }
        sb.append("  # install the product on them; within ~15 s the task succeeds and the group empties:").append(nl);
        sb.append("  curl -s $GAPI/tasks -H \"$H\" -H 'Content-Type: application/json' -d '{\"type\":\"INSTALL_PRODUCT\",\"groupId\":\"")
                .append(group).append("\",\"parameters\":{\"name\":\"").append(DemoPlan.SECURITY_PRODUCT)
                .append("\",\"version\":\"12.0.1\"}}'").append(nl);
        sb.append("  curl -s \"$API/audit?limit=5\" -H \"$H\"                          # who did what").append(nl);
        sb.append("  # an operator of another branch of the tree gets 404 for all of it, e.g. li.wei (Harbor IT North)")
                .append(nl);
        sb.append("  # agent-simulator/README.md runs more agents: java -jar agent-simulator/target/agent-simulator.jar swarm …")
                .append(nl);
        return sb.toString();
    }
}
