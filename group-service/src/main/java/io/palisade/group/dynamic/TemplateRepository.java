package io.palisade.group.dynamic;

import io.palisade.group.common.Json;
import io.palisade.kit.scope.TreePaths;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** SQL over {@code dynamic_template}. */
@ApplicationScoped
public class TemplateRepository {

    /** A stored template. */
    public record TemplateRow(UUID id, String name, UUID tenantId, String tenantPath, Object rule, long version, Instant createdAt) {
        static TemplateRow of(Row r) {
            return new TemplateRow(r.getUUID("id"), r.getString("name"), r.getUUID("tenant_id"), r.getString("tenant_path"),
                    r.getValue("rule"), r.getLong("version"), r.getOffsetDateTime("created_at").toInstant());
        }
    }

    private static final String SELECT = "select id, name, tenant_id, tenant_path, rule, version, created_at from dynamic_template ";

    public Uni<TemplateRow> find(SqlClient db, UUID id) {
        return db.preparedQuery(SELECT + "where id = $1").execute(Tuple.of(id)).map(rows -> {
            var it = rows.iterator();
            return it.hasNext() ? TemplateRow.of(it.next()) : null;
        });
    }

    public Uni<List<TemplateRow>> page(SqlClient db, String path, UUID afterId, int limit) {
        return db.preparedQuery(SELECT + "where tenant_path >= $1 and tenant_path < $2 and id > $3 order by id limit $4")
                .execute(Tuple.of(path, TreePaths.upperBound(path), afterId == null ? new UUID(0, 0) : afterId, limit))
                .map(rows -> {
                    List<TemplateRow> out = new ArrayList<>();
                    rows.forEach(r -> out.add(TemplateRow.of(r)));
                    return out;
                });
    }

    public Uni<Void> insert(SqlClient db, UUID id, String name, UUID tenantId, String tenantPath, com.fasterxml.jackson.databind.JsonNode rule) {
        return db.preparedQuery("insert into dynamic_template (id, name, tenant_id, tenant_path, rule) values ($1, $2, $3, $4, $5)")
                .execute(Tuple.of(id, name, tenantId, tenantPath, Json.jsonb(rule))).replaceWithVoid();
    }

    /** Inserts many templates with one statement. */
    public Uni<Void> insertAll(SqlClient db, java.util.List<TemplateRow> rows) {
        return db.preparedQuery("""
                        insert into dynamic_template (id, name, tenant_id, tenant_path, rule, created_at)
                        select u.id, u.name, u.tenant_id, u.tenant_path, u.rule::jsonb, u.created_at
                        from unnest($1::uuid[], $2::text[], $3::uuid[], $4::text[], $5::text[], $6::timestamptz[])
                            as u (id, name, tenant_id, tenant_path, rule, created_at)""")
                .execute(Tuple.of(rows.stream().map(TemplateRow::id).toArray(UUID[]::new),
                        rows.stream().map(TemplateRow::name).toArray(String[]::new),
                        rows.stream().map(TemplateRow::tenantId).toArray(UUID[]::new),
                        rows.stream().map(TemplateRow::tenantPath).toArray(String[]::new),
                        rows.stream().map(t -> Json.tree(t.rule()).toString()).toArray(String[]::new),
                        rows.stream().map(t -> t.createdAt().atOffset(java.time.ZoneOffset.UTC)).toArray(java.time.OffsetDateTime[]::new)))
                .replaceWithVoid();
    }

    public Uni<Void> update(SqlClient db, UUID id, String name, com.fasterxml.jackson.databind.JsonNode rule) {
        return db.preparedQuery("update dynamic_template set name = $2, rule = $3, version = version + 1 where id = $1")
                .execute(Tuple.of(id, name, Json.jsonb(rule))).replaceWithVoid();
    }

    public Uni<Void> delete(SqlClient db, UUID id) {
        return db.preparedQuery("delete from dynamic_template where id = $1").execute(Tuple.of(id)).replaceWithVoid();
    }
}
