package io.palisade.tenant.bootstrap;

import io.palisade.kit.scope.Permissions;
import io.palisade.tenant.auth.PasswordHasher;
import io.palisade.tenant.auth.SigningKeys;
import io.palisade.tenant.operator.Operator;
import io.palisade.tenant.operator.OperatorRepository;
import io.palisade.tenant.permission.PermissionSet;
import io.palisade.tenant.permission.PermissionSetRepository;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.vertx.VertxContextSupport;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import io.palisade.tenant.auth.AuthSettings;
import org.jboss.logging.Logger;

/**
 * On first start with an empty database: the root operator {@code admin} holding every permission,
 * with the password from {@code PALISADE_BOOTSTRAP_ADMIN_PASSWORD}, or a generated one printed once.
 * Also makes sure a signing key exists.
 */
@ApplicationScoped
public class BootstrapAdmin {

    private static final Logger LOG = Logger.getLogger(BootstrapAdmin.class);
    public static final String USERNAME = "admin";

    private final OperatorRepository operators;
    private final PermissionSetRepository sets;
    private final PasswordHasher hasher;
    private final SigningKeys keys;
    private final Optional<String> configuredPassword;

    public BootstrapAdmin(OperatorRepository operators, PermissionSetRepository sets, PasswordHasher hasher,
                          SigningKeys keys, AuthSettings settings) {
        this.operators = operators;
        this.sets = sets;
        this.hasher = hasher;
        this.keys = keys;
        this.configuredPassword = settings.bootstrapAdminPassword().filter(p -> !p.isBlank());
    }

    void onStart(@Observes StartupEvent event) throws Throwable {
        VertxContextSupport.subscribeAndAwait(() -> keys.active().replaceWithVoid());
        boolean empty = VertxContextSupport.subscribeAndAwait(() -> Panache.withSession(() -> operators.count()).map(n -> n == 0));
        if (!empty) {
            return;
        }
        boolean generated = configuredPassword.isEmpty();
        String password = configuredPassword.orElseGet(BootstrapAdmin::randomPassword);
        try {
            VertxContextSupport.subscribeAndAwait(() -> hasher.hash(password).chain(hash -> Panache.withTransaction(() -> {
                PermissionSet all = new PermissionSet();
                all.id = UUID.randomUUID();
                all.name = "Root administrators";
                all.setPermissions(Permissions.ALL);
                all.createdAt = Instant.now().truncatedTo(ChronoUnit.MICROS);
                Operator admin = new Operator();
                admin.id = UUID.randomUUID();
                admin.username = USERNAME;
                admin.passwordHash = hash;
                admin.permissionSetIds = Set.of(all.id);
                admin.createdAt = all.createdAt;
                return sets.persist(all).chain(() -> operators.persist(admin));
            })));
        } catch (RuntimeException e) {
            LOG.infof("Another instance created the bootstrap admin first (%s)", e.getClass().getSimpleName());
            return;
        }
        if (generated) {
            LOG.warnf("Bootstrap root operator created: username '%s', password '%s' (shown once; set "
                    + "PALISADE_BOOTSTRAP_ADMIN_PASSWORD to choose it)", USERNAME, password);
        } else {
            LOG.infof("Bootstrap root operator '%s' created with the password from PALISADE_BOOTSTRAP_ADMIN_PASSWORD", USERNAME);
        }
    }

    private static String randomPassword() {
        String alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
        SecureRandom random = new SecureRandom();
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < 24; i++) {
            out.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return out.toString();
    }
}
