package io.palisade.migration.apply;

import io.palisade.migration.common.MigrationSettings;
import io.palisade.migration.job.MigrationRepository;
import io.palisade.migration.remote.GroupApi;
import io.palisade.migration.remote.TenantApi;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;

/** Runs apply jobs in the background, on threads of their own (they block on remote calls). */
@ApplicationScoped
public class ApplyRunner {

    private static final Logger LOG = Logger.getLogger(ApplyRunner.class);

    private final MigrationRepository migrations;
    private final ItemRepository items;
    private final TenantApi tenants;
    private final GroupApi groups;
    private final MigrationSettings settings;
    private final CrashPoints crashes;
    private final DeviceRecords devices;
    private final ExecutorService executor;

    public ApplyRunner(MigrationRepository migrations, ItemRepository items, TenantApi tenants, GroupApi groups,
                       MigrationSettings settings, CrashPoints crashes, DeviceRecords devices) {
        this.migrations = migrations;
        this.items = items;
        this.tenants = tenants;
        this.groups = groups;
        this.settings = settings;
        this.crashes = crashes;
        this.devices = devices;
        AtomicInteger n = new AtomicInteger();
        this.executor = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "migration-apply-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    void onStart(@Observes StartupEvent event) {
        migrations.deleteAbandonedStaging(Duration.ofHours(1)).subscribe().with(
                n -> { if (n > 0) { LOG.infof("Removed %d abandoned uploads", n); } },
                e -> LOG.warn("Could not remove abandoned uploads", e));
    }

    /** Runs the job {@code id}, claimed by {@code run}, with the operator's {@code token}. */
    public void start(UUID id, UUID run, String token) {
        executor.submit(() -> new ApplyJob(id, run, token, migrations, items, tenants, groups, settings, crashes, devices).run());
    }

    @PreDestroy
    void stop() {
        executor.shutdownNow();
    }
}
