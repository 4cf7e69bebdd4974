package io.palisade.tenant.hierarchy;

import io.palisade.kit.scope.TreePaths;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;

@ApplicationScoped
public class TenantRepository implements PanacheRepositoryBase<Tenant, UUID> {

    /** A page of the subtree under {@code path} (the node at {@code path} included), in path order. */
    public Uni<List<Tenant>> subtreePage(String path, TenantType type, String nameContains, String afterPath, int limit) {
        StringBuilder where = new StringBuilder("path >= :lo and path < :hi");
        Map<String, Object> params = new HashMap<>();
        params.put("lo", path);
        params.put("hi", TreePaths.upperBound(path));
        if (type != null) {
            where.append(" and type = :type");
            params.put("type", type);
        }
        if (nameContains != null) {
            where.append(" and lower(name) like :q escape '\\'");
            params.put("q", "%" + escapeLike(nameContains.toLowerCase()) + "%");
        }
        if (afterPath != null) {
            where.append(" and path > :after");
            params.put("after", afterPath);
        }
        return find(where + " order by path", params).range(0, limit).list();
    }

    public Uni<Boolean> hasChildren(UUID id) {
        return count("parentId", id).map(n -> n > 0);
    }

    public Uni<Boolean> siblingNameTaken(UUID parentId, String name, UUID except) {
        String parent = parentId == null ? "parentId is null" : "parentId = :parent";
        Map<String, Object> params = new HashMap<>();
        params.put("name", name.toLowerCase());
        params.put("except", except == null ? new UUID(0, 0) : except);
        if (parentId != null) {
            params.put("parent", parentId);
        }
        return count(parent + " and lower(name) = :name and id <> :except", params).map(n -> n > 0);
    }

    /**
     * Which of {@code names} (lower case) are taken under these parents (and at the top level when asked), as
     * "parentId/lower-case name" ("null/…" at the top level).
     */
    public Uni<Set<String>> childNames(Set<UUID> parentIds, boolean topLevel, Set<String> names) {
        Uni<List<Tenant>> under = parentIds.isEmpty() ? Uni.createFrom().item(List.of())
                : list("parentId in ?1 and lower(name) in ?2", parentIds, names);
        Uni<List<Tenant>> top = topLevel ? list("parentId is null and lower(name) in ?1", names) : Uni.createFrom().item(List.of());
        return under.chain(children -> top.map(roots -> {
            Set<String> taken = new HashSet<>();
            children.forEach(t -> taken.add(t.parentId + "/" + t.name.toLowerCase()));
            roots.forEach(t -> taken.add("null/" + t.name.toLowerCase()));
            return taken;
        }));
    }

    /** Rewrites the paths of every node strictly below a moved node, in one statement. */
    public Uni<Integer> moveDescendants(String oldPath, String newPath) {
        return getSession().chain(s -> s.createNativeQuery("""
                        update tenant set path = :newPath || substr(path, :cut)
                        where path > :lo and path < :hi""")
                .setParameter("newPath", newPath).setParameter("cut", oldPath.length() + 1)
                .setParameter("lo", oldPath).setParameter("hi", TreePaths.upperBound(oldPath))
                .executeUpdate());
    }

    static String escapeLike(String s) {
        return s.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    }
}
