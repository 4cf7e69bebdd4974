package io.palisade.migration.apply;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.palisade.migration.apply.CrashPoints.Point;
import io.palisade.migration.common.MigrationSettings;
import io.palisade.migration.job.MigrationRepository;
import io.palisade.migration.job.MigrationRow;
import io.palisade.migration.plan.Plan;
import io.palisade.migration.remote.GroupApi;
import io.palisade.migration.remote.RemoteCall;
import io.palisade.migration.remote.RemoteFailure;
import io.palisade.migration.remote.TenantApi;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * One run of an apply: walks the job items in order (parents first) and brings each to DONE. Every remote call is
 * bracketed by writes to the item: ATTEMPTED before, DONE with the created id after. Whatever was ATTEMPTED (or
 * FAILED) when a run died is looked up before it is created again, so a resumed run adopts what the dead run
 * created and creates nothing twice. Objects are found again by their natural keys: a tenant by parent, name and
 * {@code externalId} (= the legacy id), a group by parent and name (unique among siblings), a template by tenant
 * and name (which carries the legacy id).
 */
final class ApplyJob {

    private static final Logger LOG = Logger.getLogger(ApplyJob.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int PAGE = 500;
    private static final int MAX_WAVE = 500;
    private static final int DEVICE_PAGE = 2000;
    private static final int MAX_DEVICE_BATCH = 1000;
    /** group-service takes bodies up to 1 MiB: a batch (of devices or templates) stays well below. */
    private static final int MAX_BATCH_CHARS = 700_000;

    /** A failure that stops the job; the item it names is marked FAILED. */
    private static final class Stop extends RuntimeException {
        final JobItem item;

        Stop(JobItem item, String reason) {
            super(reason, null, false, false);
            this.item = item;
        }
    }

    /** A group a reference resolves to, with the tenant it belongs to (null at the root). */
    private record Place(UUID groupId, UUID tenantId) {
    }

    /** The run lost its lease (it stalled longer than the lease and another run took the job): it stops at once. */
    private static final class LostLease extends RuntimeException {
        LostLease() {
            super("lease lost", null, false, false);
        }
    }

    private final UUID id;
    private final UUID run;
    private final String token;
    private final MigrationRepository migrations;
    private final ItemRepository items;
    private final TenantApi tenants;
    private final GroupApi groups;
    private final MigrationSettings settings;
    private final CrashPoints crashes;
    private final DeviceRecords devices;
    private final Map<String, Place> places = new HashMap<>();
    private final Map<String, UUID> tenantIds = new HashMap<>();
    private final java.util.Set<UUID> mirroredTenants = new java.util.HashSet<>();
    private MigrationRow job;
    private long lastRenewal;

    ApplyJob(UUID id, UUID run, String token, MigrationRepository migrations, ItemRepository items, TenantApi tenants, GroupApi groups,
             MigrationSettings settings, CrashPoints crashes, DeviceRecords devices) {
        this.id = id;
        this.run = run;
        this.token = token;
        this.migrations = migrations;
        this.items = items;
        this.tenants = tenants;
        this.groups = groups;
        this.settings = settings;
        this.crashes = crashes;
        this.devices = devices;
    }

    void run() {
        try {
            job = migrations.find(id).await().indefinitely();
            lastRenewal = System.nanoTime();
            int after = -1;
            List<JobItem> batch;
            while (!(batch = items.openAfter(id, after, PAGE).await().indefinitely()).isEmpty()) {
                int i = 0;
                while (i < batch.size()) {
                    renewLease();
                    List<JobItem> wave = wave(batch, i);
                    if (wave.size() > 1 && Plan.Kind.TENANT.name().equals(wave.get(0).kind())) {
                        createTenants(wave);
                    } else if (wave.size() > 1) {
                        createWave(wave);
                    } else {
                        apply(batch.get(i));
                    }
                    i += Math.max(1, wave.size());
                    after = batch.get(i - 1).order();
                }
            }
            importDevices();
            JsonObject report = new JsonObject().put("completedAt", Instant.now().toString());
            long[] counts = devices.counts(id).await().indefinitely();
            if (counts[0] < counts[1]) {
                report.put("notImported", new JsonObject().put("devices", counts[1] - counts[0])
                        .put("reason", "devices without a company in an import at the root have no tenant to belong to"));
            }
            migrations.finish(id, run, "COMPLETED", report).await().indefinitely();
            LOG.infof("Migration %s completed", id);
        } catch (LostLease lost) {
            LOG.warnf("Migration %s: this run lost its lease to another; it stops", id);
        } catch (CrashPoints.SimulatedCrash crash) {
            LOG.warnf("Migration %s: %s; the job stops here without a word, as a killed process would", id, crash.getMessage());
        } catch (Stop stop) {
            items.failed(id, stop.item, stop.getMessage()).await().indefinitely();
            fail(new JsonObject().put("failedItem", new JsonObject().put("kind", stop.item.kind())
                    .put("legacyId", stop.item.legacyId()).put("name", stop.item.name())).put("reason", stop.getMessage()));
        } catch (RuntimeException e) {
            LOG.errorf(e, "Migration %s failed", id);
            fail(new JsonObject().put("reason", "the job stopped on an unexpected failure; apply again to resume"));
        }
    }

    private void fail(JsonObject report) {
        report.put("failedAt", Instant.now().toString()).put("resume", "fix the cause, then POST /api/v1/migrations/" + id
                + "/apply again: it resumes where it stopped and creates nothing twice");
        try {
            migrations.finish(id, run, "FAILED", report).await().indefinitely();
        } catch (RuntimeException e) {
            LOG.errorf(e, "Migration %s: could not record its failure; its lease runs out instead", id);
        }
    }

    private void renewLease() {
        if (System.nanoTime() - lastRenewal > settings.lease().toNanos() / 3) {
            if (!migrations.renew(id, settings.lease(), run).await().indefinitely()) {
                throw new LostLease();
            }
            lastRenewal = System.nanoTime();
        }
    }

    private void apply(JobItem item) {
        switch (Plan.Kind.valueOf(item.kind())) {
            case TENANT -> tenant(item);
            case MAPPED_GROUP -> {
                Place place = place(item, item.parentRef());
                items.done(id, item, place.groupId(), place.tenantId()).await().indefinitely();
            }
            case STATIC_GROUP -> group(item, place(item, item.parentRef()), "STATIC", null);
            case DYNAMIC_GROUP -> {
                Place parent = place(item, item.parentRef());
                group(item, parent, "DYNAMIC", template(item, parent));
            }
        }
    }

    /**
     * The tenants or groups from {@code start} on that can go to their service in one batch: of one kind (tenants,
     * static or dynamic groups), consecutive, never attempted before, and none under another of the same wave (their
     * parents exist already).
     */
    private static List<JobItem> wave(List<JobItem> batch, int start) {
        List<JobItem> wave = new java.util.ArrayList<>();
        String kind = batch.get(start).kind();
        boolean tenants = Plan.Kind.TENANT.name().equals(kind);
        if (!tenants && !Plan.Kind.STATIC_GROUP.name().equals(kind) && !Plan.Kind.DYNAMIC_GROUP.name().equals(kind)) {
            return wave;
        }
        java.util.Set<String> inWave = new java.util.HashSet<>();
        for (int i = start; i < batch.size() && wave.size() < MAX_WAVE; i++) {
            JobItem item = batch.get(i);
            if (!kind.equals(item.kind()) || !JobItem.PENDING.equals(item.state()) || inWave.contains(item.parentRef())) {
                break;
            }
            wave.add(item);
            inWave.add(tenants ? Plan.tenantRef(item.legacyId()) : Plan.groupRef(item.legacyId()));
        }
        return wave;
    }

    /**
     * Creates a wave of groups with one call. The items are marked ATTEMPTED together before the call and DONE
     * together after it, so a run that dies in between looks each of them up on resume. (Dynamic groups get their
     * templates first, one by one, as in {@link #template}.) A batch refused as a whole (a name taken) creates
     * nothing: static items go back to PENDING, and every item is then created one by one, which names the one at
     * fault (a dynamic group is adopted only with its own template, so never a foreign one).
     */
    private void createWave(List<JobItem> wave) {
        String kind = wave.get(0).kind();
        boolean dynamic = Plan.Kind.DYNAMIC_GROUP.name().equals(kind);
        List<GroupApi.NewGroup> entries = new java.util.ArrayList<>();
        List<Place> parents = new java.util.ArrayList<>();
        for (JobItem item : wave) {
            parents.add(place(item, item.parentRef()));
        }
        List<UUID> templates = dynamic ? createTemplates(wave, parents) : java.util.Collections.nCopies(wave.size(), null);
        for (int i = 0; i < wave.size(); i++) {
            entries.add(new GroupApi.NewGroup(wave.get(i).name(), parents.get(i).groupId(), dynamic ? "DYNAMIC" : "STATIC",
                    templates.get(i)));
        }
        List<String> ids = wave.stream().map(JobItem::legacyId).toList();
        renewLease();
        items.states(id, kind, ids, JobItem.ATTEMPTED).await().indefinitely();
        wave.forEach(item -> crashes.check(item, Point.BEFORE_CALL));
        long started = System.nanoTime();
        RemoteCall.Answer answer = call(wave.get(0), () -> groups.createAll(token, entries));
        LOG.debugf("Migration %s: a batch of %d %s, group-service answered %d in %d ms", id, wave.size(), kind, answer.status(),
                (System.nanoTime() - started) / 1_000_000);
        wave.forEach(item -> crashes.check(item, Point.AFTER_CALL));
        if (answer.ok()) {
            List<GroupApi.Group> created = groups.groups(answer);
            List<Object[]> done = new java.util.ArrayList<>();
            for (int i = 0; i < wave.size(); i++) {
                done.add(new Object[] {wave.get(i).legacyId(), created.get(i).id(), created.get(i).tenantId()});
            }
            items.doneAll(id, kind, done).await().indefinitely();
        } else if (answer.status() == 409 || answer.status() == 400) {
            if (!dynamic) {
                items.states(id, kind, ids, JobItem.PENDING).await().indefinitely();
            }
            for (int i = 0; i < wave.size(); i++) {
                JobItem item = wave.get(i);
                JobItem again = new JobItem(item.kind(), item.legacyId(), item.order(), item.name(), item.tenantType(),
                        item.parentRef(), item.ruleJson(), item.idempotencyKey(), dynamic ? JobItem.ATTEMPTED : JobItem.PENDING,
                        null, templates.get(i), null);
                group(again, parents.get(i), dynamic ? "DYNAMIC" : "STATIC", templates.get(i));
            }
        } else {
            throw refused(wave.get(0), "group-service (a batch of " + wave.size() + " groups)", answer);
        }
    }

    /**
     * Creates a wave of tenants with one call, bracketed like {@link #createWave}: ATTEMPTED together before it, DONE
     * together after it; a run that dies in between finds each again by parent, name and externalId on resume. A
     * batch refused as a whole (a name taken, a rule broken) created nothing: the items go back to PENDING and are
     * created one by one, which adopts a tenant this export created before or names the one at fault.
     */
    private void createTenants(List<JobItem> wave) {
        List<TenantApi.NewTenant> entries = new java.util.ArrayList<>(wave.size());
        for (JobItem item : wave) {
            entries.add(new TenantApi.NewTenant(item.name(), item.tenantType(), parentTenant(item), item.legacyId()));
        }
        String kind = wave.get(0).kind();
        List<String> ids = wave.stream().map(JobItem::legacyId).toList();
        items.states(id, kind, ids, JobItem.ATTEMPTED).await().indefinitely();
        wave.forEach(item -> crashes.check(item, Point.BEFORE_CALL));
        renewLease();
        long started = System.nanoTime();
        RemoteCall.Answer answer = call(wave.get(0), () -> tenants.createAll(token, entries));
        LOG.debugf("Migration %s: a batch of %d tenants, tenant-service answered %d in %d ms", id, wave.size(), answer.status(),
                (System.nanoTime() - started) / 1_000_000);
        wave.forEach(item -> crashes.check(item, Point.AFTER_CALL));
        if (answer.ok()) {
            List<TenantApi.Node> created = tenants.nodes(answer);
            List<Object[]> done = new java.util.ArrayList<>(wave.size());
            for (int i = 0; i < wave.size(); i++) {
                done.add(new Object[] {wave.get(i).legacyId(), created.get(i).id(), created.get(i).id()});
            }
            items.doneAll(id, kind, done).await().indefinitely();
        } else if (answer.status() == 409 || answer.status() == 400) {
            items.states(id, kind, ids, JobItem.PENDING).await().indefinitely();
            for (JobItem item : wave) {
                tenant(new JobItem(item.kind(), item.legacyId(), item.order(), item.name(), item.tenantType(), item.parentRef(),
                        item.ruleJson(), item.idempotencyKey(), JobItem.PENDING, null, null, null));
            }
        } else {
            throw refused(wave.get(0), "tenant-service (a batch of " + wave.size() + " tenants)", answer);
        }
    }

    /**
     * The templates of a wave of dynamic groups (never attempted before), created with one call (or more for long rules): the items are marked
     * TEMPLATE_ATTEMPTED together before it and get their template ids together after it. A run that dies in between
     * finds each template again by its owner and name on resume ({@link #template}), one by one.
     */
    private List<UUID> createTemplates(List<JobItem> wave, List<Place> parents) {
        List<GroupApi.NewTemplate> entries = new java.util.ArrayList<>(wave.size());
        for (int i = 0; i < wave.size(); i++) {
            JobItem item = wave.get(i);
            try {
                entries.add(new GroupApi.NewTemplate(templateName(item), parents.get(i).tenantId(), JSON.readTree(item.ruleJson())));
            } catch (IOException e) {
                throw new Stop(item, "the planned rule cannot be read");
            }
        }
        String kind = wave.get(0).kind();
        items.states(id, kind, wave.stream().map(JobItem::legacyId).toList(), JobItem.TEMPLATE_ATTEMPTED).await().indefinitely();
        wave.forEach(item -> crashes.check(item, Point.BEFORE_CALL));
        List<UUID> created = new java.util.ArrayList<>(wave.size());
        // calls of at most ~700 KB (group-service takes bodies up to 1 MiB; a rule may be long)
        int from = 0;
        while (from < wave.size()) {
            int to = from;
            int chars = 0;
            while (to < wave.size() && (to == from || chars + wave.get(to).ruleJson().length() + 300 <= MAX_BATCH_CHARS)) {
                chars += wave.get(to).ruleJson().length() + 300;
                to++;
            }
            created.addAll(createTemplateChunk(wave.subList(from, to), entries.subList(from, to)));
            from = to;
        }
        return created;
    }

    /** One call of {@link #createTemplates}: the templates of {@code chunk}, their ids recorded after it. */
    private List<UUID> createTemplateChunk(List<JobItem> chunk, List<GroupApi.NewTemplate> entries) {
        String kind = chunk.get(0).kind();
        renewLease();
        long started = System.nanoTime();
        RemoteCall.Answer answer = call(chunk.get(0), () -> groups.createTemplates(token, entries));
        LOG.debugf("Migration %s: a batch of %d templates, group-service answered %d in %d ms", id, chunk.size(), answer.status(),
                (System.nanoTime() - started) / 1_000_000);
        if (!answer.ok()) {
            JobItem culprit = chunk.get(entryAtFault(answer, "templates", chunk.size()));
            throw refused(culprit, "group-service (template " + templateName(culprit) + " in a batch of " + chunk.size() + ")", answer);
        }
        List<UUID> created = new java.util.ArrayList<>(chunk.size());
        List<Object[]> done = new java.util.ArrayList<>(chunk.size());
        JsonNode answered = answer.body().path("items");
        for (int i = 0; i < chunk.size(); i++) {
            UUID template = UUID.fromString(answered.path(i).path("id").asText());
            created.add(template);
            done.add(new Object[] {chunk.get(i).legacyId(), template});
        }
        items.templatesDone(id, kind, done).await().indefinitely();
        return created;
    }

    /**
     * Registers the export's devices in group-service as records awaiting their agents, in seq order, in batches
     * ({@code POST /api/v1/devices/batch}, idempotent by each device's key): after a batch's answer the ids are
     * recorded, and a resumed run starts after the last device recorded, so a batch cut short is simply sent again.
     * Two batches are in flight at a time, recorded in order ({@link #send}).
     * A device belongs to its company's tenant, else to the tenant of its group, else to the target; at the root
     * without any of them it is skipped (reported as not imported).
     */
    private void importDevices() {
        int from = devices.resumeAt(id).await().indefinitely();
        Map<String, DeviceRecords.Created> groupsByLegacyId = devices.created(id, List.of(Plan.Kind.STATIC_GROUP.name(),
                Plan.Kind.MAPPED_GROUP.name())).await().indefinitely();
        Map<String, DeviceRecords.Created> companies = devices.created(id, List.of(Plan.Kind.TENANT.name())).await().indefinitely();
        java.util.concurrent.ExecutorService sender = java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "migration-devices-" + id);
            t.setDaemon(true);
            return t;
        });
        InFlight previous = null;
        try {
            List<DeviceRecords.StagedDevice> page;
            while (!(page = devices.page(id, from, DEVICE_PAGE).await().indefinitely()).isEmpty()) {
                List<Device> batch = new java.util.ArrayList<>();
                int chars = 0;
                for (DeviceRecords.StagedDevice staged : page) {
                    DeviceRecords.Created group = staged.groupLegacyId() == null ? null : groupsByLegacyId.get(staged.groupLegacyId());
                    DeviceRecords.Created company = staged.companyLegacyId() == null ? null : companies.get(staged.companyLegacyId());
                    Device d = new Device(staged, group == null ? null : group.id(),
                            company != null ? company.id() : group != null && group.tenantId() != null ? group.tenantId() : job.targetTenantId());
                    if (d.groupId() == null || d.owner() == null) {
                        continue;
                    }
                    int size = 400 + (d.staged().inventory() == null ? 0 : d.staged().inventory().length());
                    if (!batch.isEmpty() && (chars + size > MAX_BATCH_CHARS || batch.size() >= MAX_DEVICE_BATCH)) {
                        previous = send(sender, batch, previous);
                        batch = new java.util.ArrayList<>();
                        chars = 0;
                    }
                    batch.add(d);
                    chars += size;
                }
                if (!batch.isEmpty()) {
                    previous = send(sender, batch, previous);
                }
                from = page.get(page.size() - 1).seq() + 1;
            }
            if (previous != null) {
                record(previous);
                previous = null;
            }
        } finally {
            if (previous != null) {
                // the job stops: let the batch still on its way finish (its keys make it harmless on resume)
                previous.answer().cancel(false);
            }
            sender.shutdown();
        }
    }

    /** A batch sent to group-service whose answer is not recorded yet. */
    private record InFlight(List<Device> batch, List<GroupApi.NewDevice> entries, long started,
                            java.util.concurrent.Future<RemoteCall.Answer> answer) {
    }

    /**
     * Sends a batch while the one before is still on its way (two in flight: group-service works on one while this job
     * prepares and records the other), then records the one before. Batches are recorded in order, so the resume point
     * (after the last device recorded) never skips an unrecorded batch: a run that dies with two batches sent and
     * none recorded sends both again, and their keys answer the same ids.
     */
    private InFlight send(java.util.concurrent.ExecutorService sender, List<Device> batch, InFlight previous) {
        renewLease();
        List<GroupApi.NewDevice> entries = entries(batch);
        crashes.check(deviceItem(batch.get(0)), Point.BEFORE_CALL);
        InFlight next = new InFlight(batch, entries, System.nanoTime(),
                sender.submit(() -> call(deviceItem(batch.get(0)), () -> groups.importDevices(token, entries))));
        if (previous != null) {
            record(previous);
        }
        return next;
    }

    /**
     * A staged device with its place resolved: the group created (or mapped) for its legacy static group, and its
     * owner — its company's tenant, else its group's tenant, else the target (null at the root: not imported).
     */
    private record Device(DeviceRecords.StagedDevice staged, UUID groupId, UUID owner) {
    }

    private List<GroupApi.NewDevice> entries(List<Device> batch) {
        List<GroupApi.NewDevice> entries = new java.util.ArrayList<>(batch.size());
        for (Device device : batch) {
            DeviceRecords.StagedDevice d = device.staged();
            String name = d.name() == null || d.name().isBlank() ? "device " + d.legacyId() : d.name();
            entries.add(new GroupApi.NewDevice(ItemRepository.idempotencyKey(job.exportDigest(), "DEVICE", d.legacyId()),
                    name.length() > 200 ? name.substring(0, 200) : name, device.owner(), device.groupId(), d.hardwareId(), d.inventory()));
        }
        return entries;
    }

    /** Waits for a batch's answer and records its device ids (or stops the job, naming the device at fault). */
    private void record(InFlight sent) {
        List<Device> batch = sent.batch();
        JobItem first = deviceItem(batch.get(0));
        RemoteCall.Answer answer;
        try {
            answer = sent.answer().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Stop(first, "interrupted while waiting for group-service");
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof RuntimeException failure) {
                throw failure;
            }
            throw new Stop(first, "group-service could not be called: " + e.getCause());
        }
        if (answer.status() == 404) {
            // a company created just now may not be in group-service yet: wait for its owners, then once more
            for (int i = 0; i < batch.size(); i++) {
                UUID owner = sent.entries().get(i).tenantId();
                if (mirroredTenants.add(owner)) {
                    mirrored(deviceItem(batch.get(i)), owner);
                }
            }
            answer = call(first, () -> groups.importDevices(token, sent.entries()));
        }
        LOG.debugf("Migration %s: %d device records from seq %d, group-service answered %d in %d ms", id, batch.size(),
                batch.get(0).staged().seq(), answer.status(), (System.nanoTime() - sent.started()) / 1_000_000);
        crashes.check(first, Point.AFTER_CALL);
        if (!answer.ok()) {
            JobItem culprit = deviceItem(batch.get(entryAtFault(answer, "devices", batch.size())));
            throw refused(culprit, "group-service (device " + culprit.legacyId() + " in a batch of " + batch.size() + ")", answer);
        }
        List<Integer> seqs = new java.util.ArrayList<>(batch.size());
        List<UUID> ids = new java.util.ArrayList<>(batch.size());
        JsonNode answered = answer.body().path("devices");
        for (int i = 0; i < batch.size(); i++) {
            seqs.add(batch.get(i).staged().seq());
            ids.add(UUID.fromString(answered.path(i).path("id").asText()));
        }
        devices.imported(id, seqs, ids).await().indefinitely();
    }

    private static final java.util.regex.Pattern ENTRY = java.util.regex.Pattern.compile("^(\\w+)\\[(\\d+)]");

    /** The entry of a refused batch that the answer's first error names ({@code devices[7].name} → 7), else the first. */
    static int entryAtFault(RemoteCall.Answer answer, String list, int size) {
        String field = answer.body() == null ? "" : answer.body().path("errors").path(0).path("field").asText("");
        java.util.regex.Matcher m = ENTRY.matcher(field);
        if (m.find() && m.group(1).equals(list) && m.group(2).length() < 6 && Integer.parseInt(m.group(2)) < size) {
            return Integer.parseInt(m.group(2));
        }
        return 0;
    }

    /** A device as a job item, for failure reports and crash points. */
    private static JobItem deviceItem(Device device) {
        DeviceRecords.StagedDevice d = device.staged();
        return new JobItem("DEVICE", d.legacyId(), d.seq(), d.name() == null ? d.legacyId() : d.name(), null, null, null, null,
                JobItem.PENDING, null, null, null);
    }

    private void tenant(JobItem item) {
        UUID parent = parentTenant(item);
        if (!JobItem.PENDING.equals(item.state())) {
            TenantApi.Node existing = call(item, () -> tenants.child(token, parent, item.name()));
            if (existing != null) {
                adoptTenant(item, existing);
                return;
            }
        } else {
            items.state(id, item, JobItem.ATTEMPTED).await().indefinitely();
        }
        crashes.check(item, Point.BEFORE_CALL);
        RemoteCall.Answer answer = call(item, () -> tenants.create(token, item.name(), item.tenantType(), parent, item.legacyId()));
        crashes.check(item, Point.AFTER_CALL);
        if (answer.ok()) {
            TenantApi.Node node = tenants.node(answer);
            items.done(id, item, node.id(), node.id()).await().indefinitely();
        } else if (answer.status() == 409) {
            TenantApi.Node existing = call(item, () -> tenants.child(token, parent, item.name()));
            if (existing == null) {
                throw new Stop(item, "tenant-service refused the tenant: " + answer.detail());
            }
            adoptTenant(item, existing);
        } else {
            throw refused(item, "tenant-service", answer);
        }
    }

    /** An existing tenant is ours when it carries the legacy id as its externalId (this export created it). */
    private void adoptTenant(JobItem item, TenantApi.Node existing) {
        if (!item.legacyId().equals(existing.externalId()) || !item.tenantType().equals(existing.type())) {
            throw new Stop(item, "a tenant named " + item.name() + " already exists in that place and was not created from "
                    + "company " + item.legacyId() + " of this export (externalId " + existing.externalId() + ", type "
                    + existing.type() + "); rename or remove it, then apply again");
        }
        items.done(id, item, existing.id(), existing.id()).await().indefinitely();
    }

    private void group(JobItem item, Place parent, String kind, UUID templateId) {
        if (!JobItem.PENDING.equals(item.state()) && !JobItem.TEMPLATE_ATTEMPTED.equals(item.state())) {
            GroupApi.Group existing = call(item, () -> groups.child(token, parent.groupId(), item.name()));
            if (existing != null) {
                adoptGroup(item, existing, kind, templateId);
                return;
            }
        }
        if (!JobItem.ATTEMPTED.equals(item.state())) {
            items.state(id, item, JobItem.ATTEMPTED).await().indefinitely();
        }
        crashes.check(item, Point.BEFORE_CALL);
        RemoteCall.Answer answer = call(item, () -> groups.create(token, item.name(), parent.groupId(), kind, templateId));
        crashes.check(item, Point.AFTER_CALL);
        if (answer.ok()) {
            GroupApi.Group g = groups.group(answer);
            items.done(id, item, g.id(), g.tenantId()).await().indefinitely();
        } else if (answer.status() == 409 && "duplicate-name".equals(answer.problem())) {
            throw new Stop(item, "a group named " + item.name() + " already exists in that place and was not created by this "
                    + "migration; rename or remove it, then apply again");
        } else {
            throw refused(item, "group-service", answer);
        }
    }

    private void adoptGroup(JobItem item, GroupApi.Group existing, String kind, UUID templateId) {
        if (!existing.kind().equals(kind) || existing.managed() || (templateId != null && !templateId.equals(existing.templateId()))) {
            throw new Stop(item, "a group named " + item.name() + " already exists in that place and is not the one this "
                    + "migration creates; rename or remove it, then apply again");
        }
        items.done(id, item, existing.id(), existing.tenantId()).await().indefinitely();
    }

    /** The dynamic group's template: created once, owned by the tenant its group belongs to. */
    private UUID template(JobItem item, Place parent) {
        if (item.templateId() != null) {
            return item.templateId();
        }
        String name = templateName(item);
        if (!JobItem.PENDING.equals(item.state())) {
            GroupApi.Template existing = call(item, () -> groups.template(token, parent.tenantId(), name));
            if (existing != null) {
                items.templateDone(id, item, existing.id()).await().indefinitely();
                return existing.id();
            }
        }
        items.state(id, item, JobItem.TEMPLATE_ATTEMPTED).await().indefinitely();
        JsonNode rule;
        try {
            rule = JSON.readTree(item.ruleJson());
        } catch (IOException e) {
            throw new Stop(item, "the planned rule cannot be read");
        }
        crashes.check(item, Point.BEFORE_CALL);
        RemoteCall.Answer answer = call(item, () -> groups.createTemplate(token, name, parent.tenantId(), rule));
        if (!answer.ok()) {
            throw refused(item, "group-service (template " + name + ")", answer);
        }
        UUID templateId = UUID.fromString(answer.body().path("id").asText());
        items.templateDone(id, item, templateId).await().indefinitely();
        return templateId;
    }

    static String templateName(JobItem item) {
        String suffix = " [ESMC " + item.legacyId() + "]";
        String base = item.name();
        return (base.length() + suffix.length() > 200 ? base.substring(0, Math.max(0, 200 - suffix.length())) : base) + suffix;
    }

    private UUID parentTenant(JobItem item) {
        if (Plan.TARGET.equals(item.parentRef())) {
            return job.targetTenantId();
        }
        return createdTenant(item, item.parentRef());
    }

    private UUID createdTenant(JobItem item, String ref) {
        UUID known = tenantIds.get(ref);
        if (known != null) {
            return known;
        }
        JobItem parent = items.byRef(id, ref).await().indefinitely();
        if (parent == null || parent.createdId() == null) {
            throw new Stop(item, "its parent " + ref + " has not been created");
        }
        tenantIds.put(ref, parent.createdId());
        return parent.createdId();
    }

    /** The group a parent reference stands for: the target's group, a company's MSP-tree group, or a group of this job. */
    private Place place(JobItem item, String ref) {
        Place known = places.get(ref);
        if (known != null) {
            return known;
        }
        Place place;
        if (Plan.TARGET.equals(ref)) {
            UUID tenant = job.targetTenantId();
            GroupApi.Group g = tenant == null ? call(item, () -> groups.rootGroup(token)) : mirrored(item, tenant);
            if (g == null) {
                throw new Stop(item, "the root group cannot be read");
            }
            place = new Place(g.id(), tenant);
        } else if (ref.startsWith("T:")) {
            UUID tenant = createdTenant(item, ref);
            place = new Place(mirrored(item, tenant).id(), tenant);
        } else {
            JobItem parent = items.byRef(id, ref).await().indefinitely();
            if (parent == null || parent.createdId() == null) {
                throw new Stop(item, "its parent group " + ref.substring(2) + " has not been created");
            }
            place = new Place(parent.createdId(), parent.tenantId());
        }
        places.put(ref, place);
        return place;
    }

    /** The MSP-tree group of a tenant; group-service mirrors new tenants from events, so this may wait a little. */
    private GroupApi.Group mirrored(JobItem item, UUID tenant) {
        long deadline = System.nanoTime() + settings.mirrorTimeout().toNanos();
        long pause = 50;
        while (true) {
            GroupApi.Group g = call(item, () -> groups.managedGroupOf(token, tenant));
            if (g != null) {
                return g;
            }
            if (System.nanoTime() > deadline) {
                throw new Stop(item, "group-service has not shown the MSP-tree group of tenant " + tenant + " within "
                        + settings.mirrorTimeout().toSeconds() + " s; apply again when it has caught up");
            }
            renewLease();
            try {
                Thread.sleep(pause);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new Stop(item, "interrupted while waiting for group-service");
            }
            pause = Math.min(1000, pause * 2);
        }
    }

    private <T> T call(JobItem item, java.util.function.Supplier<T> remote) {
        try {
            return remote.get();
        } catch (RemoteCall.Unreachable e) {
            throw new Stop(item, e.getMessage());
        } catch (RemoteFailure e) {
            throw refused(item, "a service", e.answer());
        }
    }

    private Stop refused(JobItem item, String who, RemoteCall.Answer answer) {
        if (answer.status() == 401) {
            return new Stop(item, "the operator's token was refused (expired?): resume with a fresh token by calling apply again");
        }
        if (answer.status() == 403 || answer.status() == 404) {
            return new Stop(item, who + " refused within the operator's scope (" + answer.status() + " " + answer.problem()
                    + "): " + answer.detail());
        }
        return new Stop(item, who + " answered " + answer.status() + " " + answer.problem() + ": " + answer.detail());
    }

}
