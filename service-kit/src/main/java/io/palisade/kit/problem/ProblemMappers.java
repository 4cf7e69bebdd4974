package io.palisade.kit.problem;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.validation.ElementKind;
import jakarta.validation.Path;
import jakarta.validation.ValidationException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.RestResponse;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * The one place where failures become HTTP answers: every exception, ours or the framework's, is
 * classified into a {@link ProblemType} and answered as {@code application/problem+json}. Nothing of
 * the exception's own text reaches the caller unless it is a {@link ProblemException}, whose detail
 * is written for callers.
 */
public class ProblemMappers {

    private static final Logger LOG = Logger.getLogger(ProblemMappers.class);
    private static final MediaType PROBLEM_JSON = MediaType.valueOf(Problem.MEDIA_TYPE);

    @ServerExceptionMapper(priority = 1)
    public RestResponse<Problem> problem(ProblemException e) {
        return respond(e);
    }

    @ServerExceptionMapper(priority = 1)
    public RestResponse<Problem> json(JsonProcessingException e) {
        return respond(classify(e));
    }

    @ServerExceptionMapper(priority = 1)
    public RestResponse<Problem> jsonInput(MismatchedInputException e) {
        return respond(classify(e));
    }

    @ServerExceptionMapper(priority = 1)
    public RestResponse<Problem> jsonParse(JsonParseException e) {
        return respond(classify(e));
    }

    @ServerExceptionMapper(priority = 1)
    public RestResponse<Problem> validation(ValidationException e) {
        return respond(classify(e));
    }

    @ServerExceptionMapper(priority = 1)
    public RestResponse<Problem> web(WebApplicationException e) {
        return respond(classify(e));
    }

    @ServerExceptionMapper(priority = 1)
    public RestResponse<Problem> unauthorized(UnauthorizedException e) {
        return respond(classify(e));
    }

    @ServerExceptionMapper(priority = 1)
    public RestResponse<Problem> authenticationFailed(AuthenticationFailedException e) {
        return respond(classify(e));
    }

    @ServerExceptionMapper(priority = 1)
    public RestResponse<Problem> forbidden(ForbiddenException e) {
        return respond(classify(e));
    }

    @ServerExceptionMapper(priority = 1)
    public RestResponse<Problem> anything(Throwable e) {
        return respond(classify(e));
    }

    static RestResponse<Problem> respond(ProblemException e) {
        RestResponse.ResponseBuilder<Problem> builder = RestResponse.ResponseBuilder.<Problem>create(e.type().status())
                .entity(e.toProblem()).type(PROBLEM_JSON);
        if (e.retryAfterSeconds() != null) {
            builder.header(HttpHeaders.RETRY_AFTER, Long.toString(Math.max(1, e.retryAfterSeconds())));
        }
        return builder.build();
    }

    /** Classifies any failure; unknown ones are logged with a reference and answered as a bare 500. */
    public static ProblemException classify(Throwable failure) {
        Throwable e = unwrap(failure);
        if (e instanceof ProblemException p) {
            return p;
        }
        if (unstorableText(failure)) {
            return io.palisade.kit.http.NulGuard.refused();
        }
        if (e instanceof JsonParseException) {
            return new ProblemException(CommonProblems.MALFORMED_BODY, "The body is not well-formed JSON");
        }
        if (e instanceof InvalidFormatException ife && ife.getTargetType() != null && ife.getTargetType().isEnum()) {
            String field = jsonPath(ife);
            String allowed = String.join(", ", enumNames(ife.getTargetType()));
            return invalid(field, "must be one of " + allowed);
        }
        if (e instanceof MismatchedInputException mie) {
            String field = jsonPath(mie);
            return field.isEmpty()
                    ? new ProblemException(CommonProblems.MALFORMED_BODY, "The body does not have the expected shape")
                    : invalid(field, "has the wrong type or shape");
        }
        if (e instanceof JsonMappingException jme) {
            String field = jsonPath(jme);
            return field.isEmpty()
                    ? new ProblemException(CommonProblems.MALFORMED_BODY, "The body does not have the expected shape")
                    : invalid(field, "is not valid");
        }
        if (e instanceof JsonProcessingException) {
            return new ProblemException(CommonProblems.MALFORMED_BODY, "The body is not well-formed JSON");
        }
        if (e instanceof ConstraintViolationException cve) {
            List<Problem.FieldError> errors = new ArrayList<>();
            for (ConstraintViolation<?> v : cve.getConstraintViolations()) {
                errors.add(new Problem.FieldError(fieldOf(v.getPropertyPath()), v.getMessage()));
            }
            errors.sort(Comparator.comparing(Problem.FieldError::field));
            return new ProblemException(CommonProblems.INVALID_REQUEST, "The request has " + errors.size() + " invalid field(s)", errors, null);
        }
        if (e instanceof ValidationException) {
            return new ProblemException(CommonProblems.INVALID_REQUEST, "The request is invalid");
        }
        if (e instanceof UnauthorizedException || e instanceof AuthenticationFailedException) {
            return new ProblemException(CommonProblems.UNAUTHORIZED, "A valid bearer token is required");
        }
        if (e instanceof ForbiddenException) {
            return new ProblemException(CommonProblems.FORBIDDEN, "You lack the permission this operation needs");
        }
        if (e instanceof WebApplicationException wae) {
            return fromStatus(wae.getResponse() == null ? 500 : wae.getResponse().getStatus(), e);
        }
        if (e instanceof jakarta.persistence.OptimisticLockException || e instanceof org.hibernate.StaleStateException) {
            return new ProblemException(CommonProblems.PRECONDITION_FAILED, "The resource was changed concurrently; read it again");
        }
        if (e instanceof org.hibernate.exception.ConstraintViolationException) {
            return ProblemException.conflict("The change conflicts with an existing resource");
        }
        return internal(failure);
    }

    /**
     * PostgreSQL refused text it cannot store (U+0000 in text or JSONB): in a request that can only have come from the
     * request, which {@link io.palisade.kit.http.NulGuard} screens, so this is the backstop for any path around it.
     */
    private static boolean unstorableText(Throwable failure) {
        for (Throwable c = failure; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof io.vertx.pgclient.PgException pg) {
                return "22021".equals(pg.getSqlState()) || "22P05".equals(pg.getSqlState());
            }
            // Hibernate Reactive rebuilds the database's error as an SQLException without its cause
            if (c instanceof java.sql.SQLException sql) {
                return "22021".equals(sql.getSQLState()) || "22P05".equals(sql.getSQLState());
            }
        }
        return false;
    }

    private static ProblemException fromStatus(int status, Throwable e) {
        return switch (status) {
            case 400 -> new ProblemException(CommonProblems.INVALID_REQUEST, "The request is invalid");
            case 401 -> new ProblemException(CommonProblems.UNAUTHORIZED, "A valid bearer token is required");
            case 403 -> new ProblemException(CommonProblems.FORBIDDEN, "The operation is not permitted");
            case 404 -> new ProblemException(CommonProblems.NOT_FOUND, "No such resource");
            case 405 -> new ProblemException(CommonProblems.METHOD_NOT_ALLOWED, "This method is not allowed on this resource");
            case 406 -> new ProblemException(CommonProblems.NOT_ACCEPTABLE, "No acceptable representation; ask for application/json");
            case 413 -> new ProblemException(CommonProblems.PAYLOAD_TOO_LARGE, "The request body is too large");
            case 415 -> new ProblemException(CommonProblems.UNSUPPORTED_MEDIA_TYPE, "Send application/json");
            case 429 -> new ProblemException(CommonProblems.RATE_LIMITED, "Too many requests");
            case 503 -> new ProblemException(CommonProblems.UNAVAILABLE, "Service unavailable; try again");
            default -> status >= 400 && status < 500
                    ? new ProblemException(new ProblemType("client-error", status, "Client error"), "The request cannot be served")
                    : internal(e);
        };
    }

    private static ProblemException internal(Throwable e) {
        String reference = UUID.randomUUID().toString();
        LOG.errorf(e, "Unhandled failure, reference %s", reference);
        return new ProblemException(CommonProblems.INTERNAL, "An internal error occurred; reference " + reference);
    }

    private static ProblemException invalid(String field, String message) {
        return ProblemException.invalid(field.isEmpty() ? "body" : field, message);
    }

    private static Throwable unwrap(Throwable e) {
        // The most telling failure wins: a framework wrapper (a generic 400, a CompletionException)
        // often carries the JSON or domain failure that explains it. A domain failure thrown while JSON is read
        // (NulGuard's, in a later chunk of a large body) is wrapped by Jackson with whatever field it was reading.
        for (Throwable c = e; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof ProblemException) {
                return c;
            }
        }
        for (Throwable c = e; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof ProblemException || c instanceof JsonProcessingException || c instanceof ValidationException) {
                return c;
            }
        }
        Throwable current = e;
        for (int depth = 0; depth < 10 && current != null; depth++) {
            if (current instanceof ProblemException || current instanceof JsonProcessingException
                    || current instanceof ValidationException || current instanceof WebApplicationException
                    || current instanceof jakarta.persistence.OptimisticLockException
                    || current instanceof org.hibernate.StaleStateException
                    || current instanceof org.hibernate.exception.ConstraintViolationException
                    || current instanceof io.quarkus.security.AuthenticationException
                    || current instanceof io.quarkus.security.UnauthorizedException) {
                return current;
            }
            if (!(current instanceof CompletionException) && current.getCause() == null) {
                return current;
            }
            current = current.getCause();
        }
        return e;
    }

    /** The JSON path of a Jackson mapping failure, like {@code errors[0].field}. */
    static String jsonPath(JsonMappingException e) {
        StringBuilder path = new StringBuilder();
        for (JsonMappingException.Reference ref : e.getPath()) {
            if (ref.getFieldName() != null) {
                if (!path.isEmpty()) {
                    path.append('.');
                }
                path.append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                path.append('[').append(ref.getIndex()).append(']');
            }
        }
        return path.toString();
    }

    /**
     * The field of a violation as a JSON path ({@code tenants[1].name}, {@code permissions[0]}), or "body" for a
     * constraint on the body itself. A node's index is its position in the list of the node before it, so it follows
     * that node's name; a list element's own node ({@code <list element>}) adds no name.
     */
    static String fieldOf(Path path) {
        StringBuilder field = new StringBuilder();
        for (Path.Node node : path) {
            if (node.getKind() == ElementKind.PROPERTY || node.getKind() == ElementKind.CONTAINER_ELEMENT) {
                if (node.getIndex() != null) {
                    field.append('[').append(node.getIndex()).append(']');
                }
                if (node.getName() != null && !node.getName().startsWith("<")) {
                    field.append(field.length() > 0 ? "." : "").append(node.getName());
                }
            }
        }
        return field.length() > 0 ? field.toString() : "body";
    }

    private static List<String> enumNames(Class<?> type) {
        List<String> names = new ArrayList<>();
        for (Object constant : type.getEnumConstants()) {
            names.add(((Enum<?>) constant).name());
        }
        return names;
    }
}
