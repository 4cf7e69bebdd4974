package io.palisade.migration.plan;

import com.fasterxml.jackson.databind.JsonNode;
import io.palisade.group.dynamic.rule.RuleParser;
import io.palisade.group.dynamic.rule.RuleValidationException;
import io.palisade.kit.problem.Problem.FieldError;
import io.palisade.migration.export.LegacyExport;
import io.palisade.migration.export.LegacyExport.Company;
import io.palisade.migration.export.LegacyExport.Group;
import io.palisade.migration.plan.Plan.Item;
import io.palisade.migration.plan.Plan.Kind;
import io.palisade.migration.plan.Plan.Rules;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Validates an export against the version rules and the target, and plans what an apply creates. Pure logic:
 * every problem of the companies and groups is found in one pass and reported together, each naming the legacy
 * ids involved; devices are checked with SQL beside it (they can be many).
 */
public final class Planner {

    /** Longest name tenant-service and group-service accept. */
    public static final int MAX_NAME = 200;
    private static final Pattern VERSION = Pattern.compile("(\\d+)\\.(\\d+)(\\..*)?");
    private static final Pattern CONTROL = Pattern.compile("\\p{Cntrl}");

    /** Where the import goes: a tenant node (its id, type and name) or the root (all null). */
    public record Target(UUID tenantId, TenantTypes type, String name, boolean given) {
        public static Target root() {
            return new Target(null, null, null, false);
        }

        String describe() {
            return tenantId == null ? "the root" : "the " + type + " " + name;
        }
    }

    private final int maxErrors;
    private final List<FieldError> errors = new ArrayList<>();
    private int dropped;

    public Planner(int maxErrors) {
        this.maxErrors = maxErrors;
    }

    public Plan plan(LegacyExport x, Target target) {
        x.errors.forEach(e -> error(e.field(), e.message()));
        Rules rules = header(x, target);
        List<String> warnings = new ArrayList<>();
        boolean imported = x.imported;

        Map<String, Company> companies = imported ? companies(x.companies, target) : Map.of();
        if (!imported && !x.companies.isEmpty()) {
            warnings.add(x.companies.size() + " companies are ignored: the export has no imported MSP account");
        }
        Map<String, Group> statics = index(x.staticGroups, "staticGroups", Map.of());
        Map<String, Group> dynamics = index(x.dynamicGroups, "dynamicGroups", statics);
        staticGroups(x.staticGroups, statics, dynamics, companies, imported);
        dynamicGroups(x.dynamicGroups, statics, dynamics);
        if (!imported) {
            long withCompany = x.staticGroups.stream().filter(g -> g.companyId() != null).count() + x.devicesWithCompany;
            if (withCompany > 0) {
                warnings.add("companyId is ignored on " + withCompany + " groups and devices: the export has no imported MSP account");
            }
        }
        if (!errors.isEmpty() || rules == null) {
            return result(x, rules, List.of(), warnings);
        }

        List<Item> items = new ArrayList<>();
        for (Company c : topological(imported ? x.companies : List.<Company>of(), Company::id, Company::parentId)) {
            items.add(new Item(Kind.TENANT, c.id(), items.size(), c.name().trim(), c.type(),
                    c.parentId() == null ? Plan.TARGET : Plan.tenantRef(c.parentId()), null));
        }
        Map<String, String> mappedOnto = new HashMap<>();
        Map<String, Map<String, String>> siblings = seedSiblings(x.companies, imported);
        for (Group g : topological(x.staticGroups, Group::id, Group::parentId)) {
            Company company = g.companyId() == null ? null : companies.get(g.companyId());
            if (g.parentId() == null) {
                mappedOnto.put(g.id(), Plan.TARGET);
                items.add(new Item(Kind.MAPPED_GROUP, g.id(), items.size(), g.name().trim(), null, Plan.TARGET, null));
            } else if (rules == Rules.V7_1_2 && company != null && company.name().trim().equalsIgnoreCase(g.name().trim())) {
                mappedOnto.put(g.id(), Plan.tenantRef(company.id()));
                items.add(new Item(Kind.MAPPED_GROUP, g.id(), items.size(), g.name().trim(), null, Plan.tenantRef(company.id()), null));
            } else {
                String parent = rules == Rules.V7_1_2 && company != null ? Plan.tenantRef(company.id()) : Plan.groupRef(g.parentId());
                sibling(siblings, effective(parent, mappedOnto), g, "staticGroups");
                items.add(new Item(Kind.STATIC_GROUP, g.id(), items.size(), g.name().trim(), null, parent, null));
            }
        }
        for (Group g : topological(x.dynamicGroups, Group::id, Group::parentId)) {
            String parent = Plan.groupRef(g.parentId());
            sibling(siblings, effective(parent, mappedOnto), g, "dynamicGroups");
            items.add(new Item(Kind.DYNAMIC_GROUP, g.id(), items.size(), g.name().trim(), null, parent,
                    RuleParser.toJson(RuleParser.parse(g.rule()))));
        }
        if (rules == Rules.V7_1_2 && imported) {
            long mapped = items.stream().filter(i -> i.kind() == Kind.MAPPED_GROUP && !Plan.TARGET.equals(i.parentRef())).count();
            warnings.add(mapped + " static groups with a companyId become their company's MSP-tree group; the others "
                    + "with a companyId are placed under it");
        }
        if (rules == Rules.V7_0 && imported) {
            warnings.add("legacy groups are imported unchanged beside the new MSP tree; moves into it are recommended, not performed");
        }
        return result(x, rules, errors.isEmpty() ? items : List.of(), warnings);
    }

    private Plan result(LegacyExport x, Rules rules, List<Item> items, List<String> warnings) {
        List<FieldError> all = new ArrayList<>(errors);
        if (dropped > 0) {
            all.add(new FieldError("export", dropped + " more problems are not listed"));
        }
        return new Plan(all, x.version, rules, items, warnings);
    }

    private Rules header(LegacyExport x, Target target) {
        if (!"esmc-export".equals(x.format)) {
            error("format", x.format == null ? "is required and must be \"esmc-export\""
                    : "must be \"esmc-export\", not \"" + clip(x.format) + "\"");
        }
        if (x.formatVersion == null || x.formatVersion != 1) {
            error("formatVersion", x.formatVersionSeen ? "must be 1: this service reads version 1 of the export format"
                    : "is required and must be 1");
        }
        if (!"ESMC".equals(x.product)) {
            error("server.product", x.product == null ? "is required and must be ESMC"
                    : "must be ESMC: " + clip(x.product) + " cannot be migrated");
        }
        Rules rules = null;
        if (x.version == null) {
            error("server.version", "is required: ESMC 7.0, 7.1 or 7.2");
        } else {
            Matcher m = VERSION.matcher(x.version);
            if (m.matches() && "7".equals(m.group(1)) && m.group(2).length() == 1 && "012".contains(m.group(2))) {
                rules = "0".equals(m.group(2)) ? Rules.V7_0 : Rules.V7_1_2;
            } else {
                error("server.version", "ESMC " + clip(x.version) + " is not supported: only 7.0, 7.1 and 7.2 can be migrated");
            }
        }
        if (!x.imported) {
            if (!target.given()) {
                error("emaAccount.imported", "the export has no imported MSP account (EMA 2): without one the whole "
                        + "installation is imported under one customer, given as ?targetTenantId=");
            } else if (target.type() != TenantTypes.CUSTOMER) {
                error("targetTenantId", "without an imported MSP account the installation is imported under one customer; "
                        + target.describe() + " is not a customer");
            }
        }
        return rules;
    }

    private Map<String, Company> companies(List<Company> list, Target target) {
        Map<String, Company> byId = new LinkedHashMap<>();
        Map<String, Integer> count = new HashMap<>();
        for (Company c : list) {
            String at = "emaAccount.companies[" + c.seq() + "]";
            if (c.id() == null) {
                error(at + ".id", "is required");
                continue;
            }
            count.merge(c.id(), 1, Integer::sum);
            byId.putIfAbsent(c.id(), c);
        }
        count.forEach((id, n) -> {
            if (n > 1) {
                error(company(id), "duplicate id " + id + ": " + n + " companies carry it");
            }
        });
        for (Company c : list) {
            if (c.id() == null) {
                continue;
            }
            name(company(c.id()), c.name());
            if (c.parentId() != null && !byId.containsKey(c.parentId())) {
                error(company(c.id()) + ".parentId", "names " + clip(c.parentId()) + ", which is no company of the export");
            }
            TenantTypes type = TenantTypes.parse(c.type());
            if (type == null) {
                error(company(c.id()) + ".type", c.type() == null ? "is required: one of DISTRIBUTOR, MSP_MANAGER, MSP, MANAGED_MSP, CUSTOMER"
                        : clip(c.type()) + " is not one of DISTRIBUTOR, MSP_MANAGER, MSP, MANAGED_MSP, CUSTOMER");
            }
        }
        cycles(list, Company::id, Company::parentId, byId.keySet(), id -> company(id) + ".parentId", "companies");
        Map<String, Set<String>> names = new HashMap<>();
        for (Company c : byId.values()) {
            TenantTypes type = TenantTypes.parse(c.type());
            if (type == null) {
                continue;
            }
            if (c.parentId() == null) {
                if (!TenantTypes.allowed(target.type(), type)) {
                    error(company(c.id()) + ".type", "a " + type + " cannot sit under " + target.describe()
                            + (target.type() == null ? " (the top level takes DISTRIBUTOR, MSP_MANAGER or MSP)" : ""));
                }
            } else {
                Company parent = byId.get(c.parentId());
                TenantTypes parentType = parent == null ? null : TenantTypes.parse(parent.type());
                if (parentType != null && !TenantTypes.allowed(parentType, type)) {
                    error(company(c.id()) + ".type", "a " + type + " cannot sit under the " + parentType + " " + parent.id());
                }
            }
            if (c.name() != null && !names.computeIfAbsent(String.valueOf(c.parentId()), k -> new HashSet<>())
                    .add(c.name().trim().toLowerCase(Locale.ROOT))) {
                error(company(c.id()) + ".name", "another company under the same parent is named " + clip(c.name().trim()));
            }
        }
        return byId;
    }

    private Map<String, Group> index(List<Group> list, String array, Map<String, Group> others) {
        Map<String, Group> byId = new LinkedHashMap<>();
        Map<String, Integer> count = new HashMap<>();
        for (Group g : list) {
            if (g.id() == null) {
                error(array + "[" + g.seq() + "].id", "is required");
                continue;
            }
            count.merge(g.id(), 1, Integer::sum);
            byId.putIfAbsent(g.id(), g);
        }
        count.forEach((id, n) -> {
            if (n > 1) {
                error(array + "[id=" + id + "]", "duplicate id " + id + ": " + n + " groups carry it");
            }
            if (others.containsKey(id)) {
                error(array + "[id=" + id + "]", "duplicate id " + id + ": a static group carries it too");
            }
        });
        return byId;
    }

    private void staticGroups(List<Group> list, Map<String, Group> statics, Map<String, Group> dynamics,
                              Map<String, Company> companies, boolean imported) {
        for (Group g : list) {
            if (g.id() == null) {
                continue;
            }
            String at = "staticGroups[id=" + g.id() + "]";
            name(at, g.name());
            if (g.parentId() != null && !statics.containsKey(g.parentId())) {
                error(at + ".parentId", dynamics.containsKey(g.parentId())
                        ? "names the dynamic group " + clip(g.parentId()) + ": a static group sits under a static group"
                        : "names " + clip(g.parentId()) + ", which is no static group of the export");
            }
            if (imported && g.companyId() != null && !companies.containsKey(g.companyId())) {
                error(at + ".companyId", "names " + clip(g.companyId()) + ", which is no company of the export");
            }
        }
        if (!list.isEmpty() && list.stream().noneMatch(g -> g.id() != null && g.parentId() == null)) {
            error("staticGroups", "has no root group (one with parentId null, \"All\" in ESMC)");
        }
        cycles(list, Group::id, Group::parentId, statics.keySet(), id -> "staticGroups[id=" + id + "].parentId", "static groups");
    }

    private void dynamicGroups(List<Group> list, Map<String, Group> statics, Map<String, Group> dynamics) {
        for (Group g : list) {
            if (g.id() == null) {
                continue;
            }
            String at = "dynamicGroups[id=" + g.id() + "]";
            name(at, g.name());
            if (g.parentId() == null) {
                error(at + ".parentId", "is required: a dynamic group sits under a static or dynamic group");
            } else if (!statics.containsKey(g.parentId()) && !dynamics.containsKey(g.parentId())) {
                error(at + ".parentId", "names " + clip(g.parentId()) + ", which is no group of the export");
            }
            JsonNode rule = g.rule();
            if (rule == null || rule.isNull()) {
                error(at + ".rule", "is required");
            } else {
                try {
                    RuleParser.parse(rule);
                } catch (RuleValidationException e) {
                    for (RuleValidationException.Violation v : e.violations()) {
                        error(at + "." + v.path(), v.message());
                    }
                }
            }
        }
        cycles(list, Group::id, Group::parentId, dynamics.keySet(), id -> "dynamicGroups[id=" + id + "].parentId", "dynamic groups");
    }

    /** Reports every cycle of parent links once, naming its members. */
    private <T> void cycles(List<T> list, Function<T, String> id, Function<T, String> parent, Set<String> known,
                            Function<String, String> field, String what) {
        Map<String, String> parentOf = new HashMap<>();
        for (T t : list) {
            if (id.apply(t) != null) {
                parentOf.putIfAbsent(id.apply(t), parent.apply(t));
            }
        }
        Set<String> done = new HashSet<>();
        for (String start : parentOf.keySet()) {
            List<String> path = new ArrayList<>();
            Set<String> onPath = new HashSet<>();
            String node = start;
            while (node != null && known.contains(node) && !done.contains(node) && onPath.add(node)) {
                path.add(node);
                node = parentOf.get(node);
            }
            if (node != null && onPath.contains(node)) {
                List<String> cycle = path.subList(path.indexOf(node), path.size());
                error(field.apply(node), "the " + what + " " + String.join(" → ", cycle) + " → " + node + " form a cycle");
            }
            done.addAll(path);
        }
    }

    /** Parents before children; nodes whose chain does not reach a root (only possible with errors) are left out. */
    private static <T> List<T> topological(List<T> list, Function<T, String> id, Function<T, String> parent) {
        Map<String, List<T>> children = new HashMap<>();
        Set<String> ids = new HashSet<>();
        list.forEach(t -> ids.add(id.apply(t)));
        Deque<T> queue = new ArrayDeque<>();
        for (T t : list) {
            String p = parent.apply(t);
            if (p == null || !ids.contains(p)) {
                queue.add(t);
            } else {
                children.computeIfAbsent(p, k -> new ArrayList<>()).add(t);
            }
        }
        List<T> out = new ArrayList<>();
        while (!queue.isEmpty()) {
            T t = queue.poll();
            out.add(t);
            queue.addAll(children.getOrDefault(id.apply(t), List.of()));
        }
        return out;
    }

    /** Names already taken under each place of the final tree: the MSP-tree groups the companies become. */
    private static Map<String, Map<String, String>> seedSiblings(List<Company> companies, boolean imported) {
        Map<String, Map<String, String>> names = new HashMap<>();
        if (imported) {
            for (Company c : companies) {
                String place = c.parentId() == null ? Plan.TARGET : Plan.tenantRef(c.parentId());
                names.computeIfAbsent(place, k -> new HashMap<>())
                        .putIfAbsent(c.name().trim().toLowerCase(Locale.ROOT), "the MSP-tree group of company " + c.id());
            }
        }
        return names;
    }

    private void sibling(Map<String, Map<String, String>> names, String place, Group g, String array) {
        String other = names.computeIfAbsent(place, k -> new HashMap<>())
                .putIfAbsent(g.name().trim().toLowerCase(Locale.ROOT), "group " + g.id());
        if (other != null) {
            error(array + "[id=" + g.id() + "].name", "is taken by " + other + " in the same place of the imported tree");
        }
    }

    private static String effective(String ref, Map<String, String> mappedOnto) {
        if (ref.startsWith("G:")) {
            String onto = mappedOnto.get(ref.substring(2));
            return onto == null ? ref : onto;
        }
        return ref;
    }

    private void name(String at, String name) {
        if (name == null || name.isBlank()) {
            error(at + ".name", "is required");
        } else if (name.trim().length() > MAX_NAME) {
            error(at + ".name", "is longer than " + MAX_NAME + " characters");
        } else if (CONTROL.matcher(name).find()) {
            error(at + ".name", "must not contain control characters");
        }
    }

    private static String company(String id) {
        return "emaAccount.companies[id=" + id + "]";
    }

    static String clip(String s) {
        return s.length() > 80 ? s.substring(0, 80) + "…" : s;
    }

    private void error(String field, String message) {
        if (errors.size() < maxErrors) {
            errors.add(new FieldError(field, message));
        } else {
            dropped++;
        }
    }
}
