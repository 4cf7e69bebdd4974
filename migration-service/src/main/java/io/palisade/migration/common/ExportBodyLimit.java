package io.palisade.migration.common;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.palisade.kit.problem.CommonProblems;
import io.palisade.kit.problem.Problem;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * Per-route body limits. The kit's {@code RequestGuards} checks one limit ({@code palisade.max-body-bytes}) for the
 * whole operator API; this service raises that one to the largest it accepts and puts the real limits here, just
 * after the kit's guard: {@code POST /api/v1/migrations} (the export, streamed) may carry
 * {@code palisade.migration.max-export-bytes}, every other route {@code palisade.migration.max-request-bytes}.
 * A declared length over the limit is refused here; a chunked export is counted while it streams
 * ({@code ExportReader}), and a chunked small request is read whole by the REST layer, which the kit bounds.
 */
@ApplicationScoped
public class ExportBodyLimit {

    public static final String EXPORT_PATH = "/api/v1/migrations";

    private final MigrationSettings settings;
    private final ObjectMapper mapper;

    public ExportBodyLimit(MigrationSettings settings, ObjectMapper mapper) {
        this.settings = settings;
        this.mapper = mapper;
    }

    void install(@Observes Router router) {
        router.route().order(Integer.MIN_VALUE + 1).handler(this::guard);
    }

    /** The limit of a request: the export's on the upload route, the usual one elsewhere. */
    public long limitFor(HttpMethod method, String path) {
        return isExportUpload(method, path) ? settings.maxExportBytes() : settings.maxRequestBytes();
    }

    static boolean isExportUpload(HttpMethod method, String path) {
        return HttpMethod.POST.equals(method) && (EXPORT_PATH.equals(path) || (EXPORT_PATH + "/").equals(path));
    }

    private void guard(RoutingContext rc) {
        String path = rc.normalizedPath();
        if (path.startsWith("/api/")) {
            String length = rc.request().getHeader(HttpHeaders.CONTENT_LENGTH);
            long limit = limitFor(rc.request().method(), path);
            if (length != null && tooLong(length, limit)) {
                String body;
                try {
                    body = mapper.writeValueAsString(Problem.of(CommonProblems.PAYLOAD_TOO_LARGE,
                            "The body may be at most " + limit + " bytes"));
                } catch (JsonProcessingException e) {
                    body = "{\"status\":413}";
                }
                rc.response().setStatusCode(413).putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE)
                        .putHeader(HttpHeaders.CONNECTION, "close").end(body);
                return;
            }
        }
        rc.next();
    }

    private static boolean tooLong(String contentLength, long limit) {
        try {
            return Long.parseLong(contentLength.trim()) > limit;
        } catch (NumberFormatException e) {
            return true;
        }
    }
}
