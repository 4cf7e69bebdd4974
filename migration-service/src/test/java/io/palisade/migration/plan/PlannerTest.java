package io.palisade.migration.plan;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.palisade.kit.problem.Problem.FieldError;
import io.palisade.migration.export.LegacyExport;
import io.palisade.migration.export.LegacyExport.Company;
import io.palisade.migration.export.LegacyExport.Group;
import io.palisade.migration.plan.Plan.Item;
import io.palisade.migration.plan.Plan.Kind;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The planner's rules, without services. */
class PlannerTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    static LegacyExport export(String version) {
        LegacyExport x = new LegacyExport();
        x.format = "esmc-export";
        x.formatVersion = 1;
        x.formatVersionSeen = true;
        x.product = "ESMC";
        x.version = version;
        x.imported = true;
        return x;
    }

    static Group group(int seq, String id, String name, String parent, String company) {
        return new Group(seq, id, name, parent, company, null);
    }

    static Planner.Target msp() {
        return new Planner.Target(UUID.randomUUID(), TenantTypes.MSP, "Target MSP", true);
    }

    static Map<String, String> errors(Plan plan) {
        return plan.errors().stream().collect(Collectors.toMap(FieldError::field, FieldError::message, (a, b) -> a + " | " + b));
    }

    @Test
    void itemsComeParentsFirstWhateverTheExportOrder() {
        LegacyExport x = export("7.0.1");
        x.companies.add(new Company(0, "c2", "Child", "CUSTOMER", "c1"));
        x.companies.add(new Company(1, "c1", "Parent", "MSP", null));
        x.staticGroups.add(group(0, "g3", "Leaf", "g2", null));
        x.staticGroups.add(group(1, "g2", "Middle", "g1", null));
        x.staticGroups.add(group(2, "g1", "All", null, null));
        Plan plan = new Planner(100).plan(x, new Planner.Target(UUID.randomUUID(), TenantTypes.DISTRIBUTOR, "D", true));
        assertThat(plan.errors()).isEmpty();
        List<String> order = plan.items().stream().map(Item::legacyId).toList();
        assertThat(order).containsExactly("c1", "c2", "g1", "g2", "g3");
        assertThat(plan.items().get(2).kind()).isEqualTo(Kind.MAPPED_GROUP);
        assertThat(plan.items().get(3).parentRef()).isEqualTo("G:g1");
    }

    @Test
    void in71AGroupCarryingItsCompanysNameBecomesTheCompanyGroupAndOthersGoUnderIt() {
        LegacyExport x = export("7.1.0");
        x.companies.add(new Company(0, "c1", "Acme", "CUSTOMER", null));
        x.staticGroups.add(group(0, "g1", "All", null, null));
        x.staticGroups.add(group(1, "g2", "ACME", "g1", "c1"));
        x.staticGroups.add(group(2, "g3", "Acme servers", "g1", "c1"));
        x.staticGroups.add(group(3, "g4", "Desks", "g2", null));
        Plan plan = new Planner(100).plan(x, msp());
        assertThat(plan.errors()).isEmpty();
        Map<String, Item> byId = plan.items().stream().collect(Collectors.toMap(Item::legacyId, i -> i));
        assertThat(byId.get("g2").kind()).isEqualTo(Kind.MAPPED_GROUP);
        assertThat(byId.get("g2").parentRef()).isEqualTo("T:c1");
        assertThat(byId.get("g3").kind()).isEqualTo(Kind.STATIC_GROUP);
        assertThat(byId.get("g3").parentRef()).isEqualTo("T:c1");
        assertThat(byId.get("g4").parentRef()).isEqualTo("G:g2");
    }

    @Test
    void in70GroupsStayWhereTheyWereEvenWithACompany() {
        LegacyExport x = export("7.0.1");
        x.companies.add(new Company(0, "c1", "Acme", "CUSTOMER", null));
        x.staticGroups.add(group(0, "g1", "All", null, null));
        x.staticGroups.add(group(1, "g2", "Acme office", "g1", "c1"));
        Plan plan = new Planner(100).plan(x, msp());
        assertThat(plan.items().stream().filter(i -> i.legacyId().equals("g2")).findFirst().orElseThrow().parentRef()).isEqualTo("G:g1");
    }

    @Test
    void aLegacyGroupNamedLikeTheCompanyGroupBesideItIsRefused() {
        LegacyExport x = export("7.0.1");
        x.companies.add(new Company(0, "c1", "Acme", "CUSTOMER", null));
        x.staticGroups.add(group(0, "g1", "All", null, null));
        x.staticGroups.add(group(1, "g2", "acme", "g1", null));
        assertThat(errors(new Planner(100).plan(x, msp())).get("staticGroups[id=g2].name")).contains("company c1");
    }

    @Test
    void aStaticGroupUnderADynamicOneAndADynamicCycleAreNamed() throws Exception {
        LegacyExport x = export("7.2.0");
        x.staticGroups.add(group(0, "g1", "All", null, null));
        x.staticGroups.add(group(1, "g2", "Under dynamic", "d1", null));
        var rule = JSON.readTree("{\"op\":\"AND\",\"rules\":[]}");
        x.dynamicGroups.add(new Group(0, "d1", "D1", "d2", null, rule));
        x.dynamicGroups.add(new Group(1, "d2", "D2", "d1", null, rule));
        Map<String, String> errors = errors(new Planner(100).plan(x, msp()));
        assertThat(errors.get("staticGroups[id=g2].parentId")).contains("dynamic group d1");
        assertThat(errors.values()).anyMatch(m -> m.contains("cycle") && m.contains("d1") && m.contains("d2"));
    }

    @Test
    void errorsBeyondTheLimitAreCounted() {
        LegacyExport x = export("7.0.1");
        x.staticGroups.add(group(0, "g1", "All", null, null));
        for (int i = 0; i < 50; i++) {
            x.staticGroups.add(group(i + 1, "x" + i, "Lost " + i, "nowhere", null));
        }
        Plan plan = new Planner(10).plan(x, msp());
        assertThat(plan.errors()).hasSize(11);
        assertThat(plan.errors().get(10).message()).contains("40 more");
    }
}
