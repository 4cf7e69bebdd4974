package io.palisade.tenant.auth;

import io.palisade.kit.audit.AuditTrail;
import io.palisade.kit.problem.ProblemException;
import io.palisade.kit.scope.OperatorPrincipal;
import io.palisade.kit.scope.OperatorScope;
import io.palisade.tenant.audit.AuditLog;
import io.palisade.kit.secrets.SecretBox;
import io.palisade.tenant.common.TenantProblems;
import io.palisade.tenant.operator.OperatorRepository;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.security.SecureRandom;
import java.util.OptionalLong;

/** The caller enrols a TOTP secret, then activates it by proving one code. */
@ApplicationScoped
public class TotpService {

    private final OperatorRepository operators;
    private final OperatorScope scope;
    private final Totp totp;
    private final SecretBox secrets;
    private final AuditLog audit;
    private final AuthSettings settings;
    private final SecureRandom random = new SecureRandom();

    public TotpService(OperatorRepository operators, OperatorScope scope, Totp totp, SecretBox secrets, AuditLog audit,
                       AuthSettings settings) {
        this.operators = operators;
        this.scope = scope;
        this.totp = totp;
        this.secrets = secrets;
        this.audit = audit;
        this.settings = settings;
    }

    @WithTransaction
    public Uni<AuthDtos.TotpEnrolment> enroll() {
        OperatorPrincipal caller = scope.self();
        return operators.findById(caller.operatorId()).chain(op -> {
            if (op == null) {
                throw ProblemException.notFound("Operator");
            }
            if (op.totpActive) {
                throw new ProblemException(TenantProblems.TOTP_STATE, "TOTP is already active for this account");
            }
            String secret = Totp.newSecret(random);
            op.totpPendingSecret = secrets.seal(secret);
            return audit.record(action(caller, "auth.totp.enrolled", "TOTP secret issued"))
                    .map(v -> new AuthDtos.TotpEnrolment(secret, Totp.otpauthUri(settings.totpIssuer(), op.username, secret)));
        });
    }

    @WithTransaction
    public Uni<Void> activate(String code) {
        OperatorPrincipal caller = scope.self();
        return operators.findById(caller.operatorId()).chain(op -> {
            if (op == null) {
                throw ProblemException.notFound("Operator");
            }
            if (op.totpActive || op.totpPendingSecret == null) {
                throw new ProblemException(TenantProblems.TOTP_STATE,
                        op.totpActive ? "TOTP is already active for this account" : "Enrol first: POST /api/v1/auth/totp/enroll");
            }
            String secret = secrets.open(op.totpPendingSecret);
            OptionalLong step = totp.matchingStep(secret, code);
            if (step.isEmpty()) {
                throw new ProblemException(TenantProblems.INVALID_TOTP, "The TOTP code is wrong or expired");
            }
            return operators.claimTotpStep(op.id, step.getAsLong()).chain(claimed -> {
                if (claimed == 0) {
                    throw new ProblemException(TenantProblems.INVALID_TOTP, "This TOTP code was already used");
                }
                op.totpSecret = op.totpPendingSecret;
                op.totpPendingSecret = null;
                op.totpActive = true;
                op.totpLastStep = step.getAsLong();
                return audit.record(action(caller, "auth.totp.activated", "TOTP activated"));
            });
        });
    }

    private static AuditLog.Action action(OperatorPrincipal caller, String action, String detail) {
        return new AuditLog.Action(caller.getName(), action, "operator", caller.getName(), caller.homeTenantId(),
                caller.homePath(), AuditTrail.SUCCESS, detail);
    }
}
