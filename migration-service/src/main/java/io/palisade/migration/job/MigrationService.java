package io.palisade.migration.job;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.palisade.events.AuditRecorded;
import io.palisade.kit.api.Paging;
import io.palisade.kit.audit.AuditTrail;
import io.palisade.kit.problem.CommonProblems;
import io.palisade.kit.problem.Problem.FieldError;
import io.palisade.kit.problem.ProblemException;
import io.palisade.kit.scope.OperatorPrincipal;
import io.palisade.kit.scope.OperatorScope;
import io.palisade.kit.scope.Permissions;
import io.palisade.kit.scope.TreePaths;
import io.palisade.migration.apply.ApplyRunner;
import io.palisade.migration.apply.DeviceRecords;
import io.palisade.migration.apply.ItemRepository;
import io.palisade.migration.common.MigrationProblems;
import io.palisade.migration.common.MigrationSettings;
import io.palisade.migration.export.ExportReader;
import io.palisade.migration.export.LegacyExport;
import io.palisade.migration.export.StagingRepository;
import io.palisade.migration.job.MigrationDtos.MigrationView;
import io.palisade.migration.job.MigrationDtos.PlanView;
import io.palisade.migration.job.MigrationDtos.Progress;
import io.palisade.migration.plan.Plan;
import io.palisade.migration.plan.Planner;
import io.palisade.migration.plan.TenantTypes;
import io.palisade.migration.remote.RemoteCall;
import io.palisade.migration.remote.RemoteFailure;
import io.palisade.migration.remote.TenantApi;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The migration use cases. Upload and planning run on a worker thread (the export streams from the request), so
 * this class waits for the reactive client where it must; reads are the same.
 */
@ApplicationScoped
public class MigrationService {

    private static final Map<String, String> KIND_NAMES = Map.of("TENANT", "tenants", "MAPPED_GROUP", "mappedGroups",
            "STATIC_GROUP", "staticGroups", "DYNAMIC_GROUP", "dynamicGroups");

    private final Pool pool;
    private final MigrationRepository migrations;
    private final StagingRepository staging;
    private final ItemRepository items;
    private final TenantApi tenants;
    private final OperatorScope scope;
    private final MigrationSettings settings;
    private final ObjectMapper mapper;
    private final AuditTrail audit;
    private final ApplyRunner runner;
    private final DeviceRecords devices;

    public MigrationService(Pool pool, MigrationRepository migrations, StagingRepository staging, ItemRepository items,
                            TenantApi tenants, OperatorScope scope, MigrationSettings settings, ObjectMapper mapper,
                            AuditTrail audit, ApplyRunner runner, DeviceRecords devices) {
        this.pool = pool;
        this.migrations = migrations;
        this.staging = staging;
        this.items = items;
        this.tenants = tenants;
        this.scope = scope;
        this.settings = settings;
        this.mapper = mapper;
        this.audit = audit;
        this.runner = runner;
        this.devices = devices;
    }

    public static ProblemException notFound() {
        return ProblemException.notFound("Migration");
    }

    /** Streams the export into staging, validates it whole and plans it; nothing is kept of an invalid export. */
    public MigrationView create(UUID targetTenantId, String token, InputStream body) throws IOException {
        OperatorPrincipal caller = scope.principal();
        scope.require(Permissions.MIGRATIONS_RUN);
        TargetNode resolved = target(caller, targetTenantId, token);
        Planner.Target target = resolved.target();
        String targetPath = resolved.path();
        scope.within(targetPath, () -> ProblemException.notFound("Tenant"));
        UUID id = UUID.randomUUID();
        migrations.insertStaging(id, target.tenantId(), targetPath, target.type() == null ? null : target.type().name(),
                caller.operatorId()).await().indefinitely();
        try {
            LegacyExport export = stage(id, body);
            staging.analyze().await().indefinitely();
            Plan plan = new Planner(settings.maxErrors()).plan(export, target);
            List<FieldError> errors = new ArrayList<>(plan.errors());
            if (export.devices > 0) {
                errors.addAll(staging.deviceProblems(id, export.imported, settings.maxErrors()).await().indefinitely());
            }
            if (!errors.isEmpty()) {
                List<FieldError> shown = errors.size() > settings.maxErrors() ? errors.subList(0, settings.maxErrors()) : errors;
                throw new ProblemException(MigrationProblems.INVALID_EXPORT, "The export cannot be migrated: " + errors.size()
                        + " problem(s), listed in errors", shown, null);
            }
            long moves = plan.rules() == Plan.Rules.V7_0 && export.imported ? staging.recommendMoves(id).await().indefinitely() : 0;
            List<String> warnings = new ArrayList<>(plan.warnings());
            if (export.devices > 0 && target.tenantId() == null && export.devicesWithCompany < export.devices) {
                warnings.add((export.devices - export.devicesWithCompany) + " devices have no company; imported at the root, "
                        + "those in groups of no tenant are not imported (they would belong to no tenant)");
            }
            PlanView view = new PlanView(plan.count(Plan.Kind.TENANT), plan.count(Plan.Kind.STATIC_GROUP),
                    plan.count(Plan.Kind.MAPPED_GROUP), plan.count(Plan.Kind.DYNAMIC_GROUP), export.devices, moves, warnings);
            JsonObject planJson = new JsonObject(mapper.convertValue(view, Map.class));
            String path = targetPath;
            pool.withTransaction(db -> items.insertAll(db, id, export.digest, plan.items())
                    .chain(() -> migrations.markPlanned(db, id, plan.sourceVersion(), plan.rules().name(), export.imported,
                            export.digest, planJson))
                    .chain(() -> audit.record(db, new AuditRecorded(Instant.now(), caller.getName(), "migration.planned",
                            "migration", id.toString(), target.tenantId() == null ? null : target.tenantId().toString(),
                            AuditTrail.SUCCESS, "planned ESMC " + plan.sourceVersion() + " import: " + view.tenants() + " tenants, "
                            + view.staticGroups() + " static and " + view.dynamicGroups() + " dynamic groups"), path)))
                    .await().indefinitely();
        } catch (RuntimeException | IOException e) {
            migrations.delete(id).await().indefinitely();
            throw e;
        }
        return view(migrations.find(pool, id).await().indefinitely());
    }

    public MigrationView get(UUID id) {
        return view(visible(id));
    }

    public Paging.Page<MigrationView> list(String cursor, int limit) {
        scope.require(Permissions.MIGRATIONS_RUN);
        String after = Paging.decode(cursor);
        if (after != null && !after.matches("[0-9T:.+\\-Z]+\\|[0-9a-f\\-]{36}")) {
            throw ProblemException.invalid("cursor", "is not a cursor this service gave out");
        }
        List<MigrationRow> rows = migrations.page(scope.homePath(), after, limit + 1).await().indefinitely();
        Paging.Page<MigrationRow> page = Paging.page(rows, limit, r -> r.createdAt() + "|" + r.id(), r -> r);
        return new Paging.Page<>(page.items().stream().map(this::view).toList(), page.nextCursor());
    }

    /**
     * Starts (or resumes) the apply in the background with the caller's token. Idempotent: a completed or running
     * job is left as it is.
     */
    public MigrationView apply(UUID id, String token) {
        MigrationRow row = visible(id);
        List<String> missing = new ArrayList<>();
        List<String> needed = new ArrayList<>(List.of(Permissions.TENANTS_READ, Permissions.TENANTS_WRITE, Permissions.GROUPS_READ,
                Permissions.GROUPS_WRITE));
        if (row.plan() != null && row.plan().getLong("devices", 0L) > 0) {
            needed.add(Permissions.DEVICES_WRITE);
        }
        for (String p : needed) {
            if (!scope.principal().permissions().contains(p)) {
                missing.add(p);
            }
        }
        if (!missing.isEmpty()) {
            throw ProblemException.forbidden("Applying creates tenants, groups and device records with your permissions; you lack "
                    + String.join(", ", missing));
        }
        UUID run = UUID.randomUUID();
        if (!"COMPLETED".equals(row.status()) && migrations.claim(id, settings.lease(), run).await().indefinitely()) {
            runner.start(id, run, token);
        }
        return view(migrations.find(pool, id).await().indefinitely());
    }

    private MigrationRow visible(UUID id) {
        MigrationRow row = migrations.find(pool, id).await().indefinitely();
        scope.authorize(row == null ? null : row.targetPath(), Permissions.MIGRATIONS_RUN, MigrationService::notFound);
        return row;
    }

    private record TargetNode(Planner.Target target, String path) {
    }

    private TargetNode target(OperatorPrincipal caller, UUID targetTenantId, String token) {
        UUID id = targetTenantId != null ? targetTenantId : caller.homeTenantId();
        if (id == null) {
            return new TargetNode(Planner.Target.root(), TreePaths.ROOT);
        }
        TenantApi.Node node;
        try {
            node = tenants.get(token, id);
        } catch (RemoteFailure e) {
            if (e.answer().status() == 403) {
                throw ProblemException.forbidden("Planning reads the target tenant: it needs the permission tenants.read");
            }
            throw new ProblemException(CommonProblems.UNAVAILABLE, "tenant-service refused to show the target tenant");
        } catch (RemoteCall.Unreachable e) {
            throw new ProblemException(CommonProblems.UNAVAILABLE, "tenant-service cannot be reached; try again");
        }
        if (node == null) {
            throw ProblemException.notFound("Tenant");
        }
        return new TargetNode(new Planner.Target(node.id(), TenantTypes.parse(node.type()), node.name(), targetTenantId != null),
                node.path());
    }

    private LegacyExport stage(UUID id, InputStream body) throws IOException {
        int batch = settings.stagingBatchSize();
        List<Tuple> companies = new ArrayList<>();
        List<Tuple> groups = new ArrayList<>();
        List<Tuple> devices = new ArrayList<>();
        ExportReader reader = new ExportReader(mapper, settings.maxErrors());
        LegacyExport export = reader.read(body, settings.maxExportBytes(), new ExportReader.StagingSink() {
            @Override
            public void company(LegacyExport.Company c) {
                companies.add(StagingRepository.company(id, c));
                if (companies.size() >= batch) {
                    flush(companies, staging::insertCompanies);
                }
            }

            @Override
            public void group(String kind, LegacyExport.Group g) {
                groups.add(StagingRepository.group(id, kind, g));
                if (groups.size() >= batch) {
                    flush(groups, staging::insertGroups);
                }
            }

            @Override
            public void device(int seq, String legacyId, String name, String group, String company, String hardwareId, String inventory) {
                devices.add(StagingRepository.device(id, seq, legacyId, name, group, company, hardwareId, inventory));
                if (devices.size() >= batch) {
                    flush(devices, staging::insertDevices);
                }
            }
        });
        flush(companies, staging::insertCompanies);
        flush(groups, staging::insertGroups);
        flush(devices, staging::insertDevices);
        return export;
    }

    private static void flush(List<Tuple> rows, java.util.function.Function<List<Tuple>, io.smallrye.mutiny.Uni<Void>> insert) {
        if (!rows.isEmpty()) {
            insert.apply(new ArrayList<>(rows)).await().indefinitely();
            rows.clear();
        }
    }

    MigrationView view(MigrationRow row) {
        Map<String, Progress> progress = new LinkedHashMap<>();
        migrations.progress(row.id()).await().indefinitely()
                .forEach((kind, counts) -> progress.put(KIND_NAMES.getOrDefault(kind, kind), new Progress(counts[0], counts[1])));
        long staged = row.plan() == null ? 0 : row.plan().getLong("devices", 0L);
        if (staged > 0) {
            progress.put("devices", new Progress(row.devicesDone(), staged));
        }
        String status = row.status();
        Object report = row.report() == null ? null : row.report().getMap();
        if ("RUNNING".equals(status) && row.leaseUntil() != null && row.leaseUntil().isBefore(OffsetDateTime.now())) {
            status = "FAILED";
            report = Map.of("reason", "the job stopped without finishing (the service was stopped or died); apply again to resume");
        }
        return new MigrationView(row.id(), status, row.sourceVersion(), row.rules(), row.targetTenantId(), row.createdAt(),
                row.updatedAt(), row.plan() == null ? null : row.plan().getMap(), progress, report);
    }
}
