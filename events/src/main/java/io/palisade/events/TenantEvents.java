package io.palisade.events;

/**
 * Events of the tenant aggregate, on {@link Topics#TENANTS}, keyed by tenant id. {@code path} is the
 * materialised path after the change ({@code /<id>/.../<id>/}); {@code parentId} is null for
 * top-level nodes.
 */
public final class TenantEvents {

    private TenantEvents() {
    }

    public record Created(String tenantId, String name, String type, String parentId, String path,
                          long version, String externalId) implements PalisadeEvent {
        public static final String TYPE = "io.palisade.tenant.created.v1";

        @Override public String eventType() { return TYPE; }
        @Override public String topic() { return Topics.TENANTS; }
        @Override public String aggregateId() { return tenantId; }
    }

    public record Renamed(String tenantId, String name, String type, String parentId, String path,
                          long version, String previousName) implements PalisadeEvent {
        public static final String TYPE = "io.palisade.tenant.renamed.v1";

        @Override public String eventType() { return TYPE; }
        @Override public String topic() { return Topics.TENANTS; }
        @Override public String aggregateId() { return tenantId; }
    }

    /** The node moved; every descendant's path changed from the {@code previousPath} prefix to {@code path}. */
    public record Moved(String tenantId, String name, String type, String parentId, String path,
                        long version, String previousParentId, String previousPath) implements PalisadeEvent {
        public static final String TYPE = "io.palisade.tenant.moved.v1";

        @Override public String eventType() { return TYPE; }
        @Override public String topic() { return Topics.TENANTS; }
        @Override public String aggregateId() { return tenantId; }
    }

    public record Deleted(String tenantId, String name, String type, String parentId, String path,
                          long version) implements PalisadeEvent {
        public static final String TYPE = "io.palisade.tenant.deleted.v1";

        @Override public String eventType() { return TYPE; }
        @Override public String topic() { return Topics.TENANTS; }
        @Override public String aggregateId() { return tenantId; }
    }
}
