package io.palisade.tenant.auth;

import io.palisade.kit.audit.AuditTrail;
import io.palisade.kit.config.PalisadeConfig;
import io.palisade.kit.problem.ProblemException;
import io.palisade.kit.scope.TreePaths;
import io.palisade.tenant.audit.AuditLog;
import io.palisade.kit.secrets.SecretBox;
import io.palisade.tenant.common.TenantProblems;
import io.palisade.tenant.hierarchy.TenantRepository;
import io.palisade.tenant.operator.Operator;
import io.palisade.tenant.operator.OperatorRepository;
import io.palisade.tenant.permission.PermissionSetRepository;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.TreeSet;
import java.util.UUID;

/**
 * Sign-in: password (PBKDF2), then the TOTP code when the operator has one active. Failures count
 * towards a lockout kept in the database, so a restart does not reset it; a used code is refused.
 * In the distributed configuration an operator without active TOTP gets a token that can only
 * enrol TOTP.
 */
@ApplicationScoped
public class LoginService {

    private final OperatorRepository operators;
    private final TenantRepository tenants;
    private final PermissionSetRepository permissionSets;
    private final PasswordHasher hasher;
    private final Totp totp;
    private final SecretBox secrets;
    private final TokenIssuer issuer;
    private final AuditLog audit;
    private final AuthSettings settings;
    private final PalisadeConfig config;

    public LoginService(OperatorRepository operators, TenantRepository tenants, PermissionSetRepository permissionSets,
                        PasswordHasher hasher, Totp totp, SecretBox secrets, TokenIssuer issuer, AuditLog audit,
                        AuthSettings settings, PalisadeConfig config) {
        this.operators = operators;
        this.tenants = tenants;
        this.permissionSets = permissionSets;
        this.hasher = hasher;
        this.totp = totp;
        this.secrets = secrets;
        this.issuer = issuer;
        this.audit = audit;
        this.settings = settings;
        this.config = config;
    }

    /** Where an operator lives, for audit and token claims. */
    private record Home(UUID tenantId, String path) {
    }

    /**
     * A sign-in's result travels as a value until its transaction has committed (so a failure's count
     * and audit entry are kept even though the caller gets an error), then becomes the answer.
     */
    private record Outcome(TokenIssuer.Issued issued, ProblemException failure) {
    }

    public Uni<TokenIssuer.Issued> login(String username, String password, String code) {
        return Panache.withSession(() -> operators.findByUsername(username))
                .chain(op -> hasher.verify(password, op == null ? null : op.passwordHash)
                        .chain(passwordOk -> Panache.withTransaction(() -> decide(op, username, passwordOk, code))))
                .map(outcome -> {
                    if (outcome.failure() != null) {
                        throw outcome.failure();
                    }
                    return outcome.issued();
                });
    }

    private Uni<Outcome> decide(Operator found, String username, boolean passwordOk, String code) {
        if (found == null) {
            return fail(null, new Home(null, TreePaths.ROOT), "unknown username " + truncate(username),
                    new ProblemException(TenantProblems.INVALID_CREDENTIALS, "Wrong username or password"));
        }
        return operators.findById(found.id).chain(op -> home(op).chain(home -> {
            Instant now = Instant.now();
            if (op.lockedUntil != null && op.lockedUntil.isAfter(now)) {
                long seconds = Math.max(1, Duration.between(now, op.lockedUntil).toSeconds());
                return fail(op, home, "account locked",
                        new ProblemException(TenantProblems.ACCOUNT_LOCKED, "Too many failed sign-ins; the account is locked",
                                List.of(), seconds));
            }
            if (!passwordOk) {
                return countFailure(op, home, "wrong password",
                        new ProblemException(TenantProblems.INVALID_CREDENTIALS, "Wrong username or password"));
            }
            List<String> amr = new ArrayList<>(List.of("pwd"));
            if (op.totpActive) {
                if (code == null || code.isEmpty()) {
                    return fail(op, home, "TOTP code missing",
                            new ProblemException(TenantProblems.TOTP_REQUIRED, "This account needs a TOTP code: send it as totp"));
                }
                OptionalLong step = totp.matchingStep(secrets.open(op.totpSecret), code);
                if (step.isEmpty()) {
                    return countFailure(op, home, "wrong TOTP code",
                            new ProblemException(TenantProblems.INVALID_TOTP, "The TOTP code is wrong or expired"));
                }
                return operators.claimTotpStep(op.id, step.getAsLong()).chain(claimed -> {
                    if (claimed == 0) {
                        return countFailure(op, home, "TOTP code replayed",
                                new ProblemException(TenantProblems.INVALID_TOTP, "This TOTP code was already used"));
                    }
                    amr.add("otp");
                    return succeed(op, home, amr);
                });
            }
            return succeed(op, home, amr);
        }));
    }

    private Uni<Outcome> succeed(Operator op, Home home, List<String> amr) {
        boolean enrolmentOnly = config.exposure() == PalisadeConfig.Exposure.DISTRIBUTED && !op.totpActive;
        return operators.recordSuccess(op.id)
                .chain(() -> permissionSets.findByIds(op.permissionSetIds))
                .map(sets -> {
                    TreeSet<String> perms = new TreeSet<>();
                    sets.forEach(s -> perms.addAll(s.permissionList()));
                    return perms;
                })
                .chain(perms -> issuer.issue(new TokenIssuer.Subject(op.id, op.username, home.tenantId(), home.path(),
                        perms, amr, enrolmentOnly)))
                .call(() -> audit.record(new AuditLog.Action(op.id.toString(), "auth.login", "operator", op.id.toString(),
                        home.tenantId(), home.path(), AuditTrail.SUCCESS,
                        enrolmentOnly ? "signed in; TOTP enrolment required" : "signed in with " + String.join("+", amr))))
                .map(issued -> new Outcome(issued, null));
    }

    private Uni<Outcome> countFailure(Operator op, Home home, String reason, ProblemException answer) {
        Instant lockUntil = Instant.now().plus(settings.lockout());
        return operators.recordFailure(op.id, settings.maxFailedAttempts(), lockUntil)
                .chain(() -> fail(op, home, reason, answer));
    }

    /** Records the failure and answers it; the transaction still commits so the record stays. */
    private Uni<Outcome> fail(Operator op, Home home, String reason, ProblemException answer) {
        String id = op == null ? null : op.id.toString();
        return audit.record(new AuditLog.Action(id, "auth.login", "operator", id, home.tenantId(), home.path(),
                        AuditTrail.FAILURE, reason))
                .replaceWith(new Outcome(null, answer));
    }

    private Uni<Home> home(Operator op) {
        if (op.homeTenantId == null) {
            return Uni.createFrom().item(new Home(null, TreePaths.ROOT));
        }
        return tenants.findById(op.homeTenantId).map(t -> new Home(t.id, t.path));
    }

    private static String truncate(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "…" : s;
    }
}
