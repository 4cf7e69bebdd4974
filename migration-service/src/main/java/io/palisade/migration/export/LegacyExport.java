package io.palisade.migration.export;

import com.fasterxml.jackson.databind.JsonNode;
import io.palisade.kit.problem.Problem.FieldError;
import java.util.ArrayList;
import java.util.List;

/**
 * What planning needs of an export, gathered while it streams: the header, the companies and the groups (small:
 * thousands at most). Devices are not here: they go to the staging table only and are checked there with SQL.
 */
public final class LegacyExport {

    /** A company of {@code emaAccount.companies}: a node of the legacy MSP tree. */
    public record Company(int seq, String id, String name, String type, String parentId) {
    }

    /** A static or dynamic group; {@code rule} only for dynamic ones. */
    public record Group(int seq, String id, String name, String parentId, String companyId, JsonNode rule) {
    }

    public String format;
    public boolean formatSeen;
    public Integer formatVersion;
    public boolean formatVersionSeen;
    public String product;
    public String version;
    public boolean imported;
    public boolean emaAccountSeen;
    public final List<Company> companies = new ArrayList<>();
    public final List<Group> staticGroups = new ArrayList<>();
    public final List<Group> dynamicGroups = new ArrayList<>();
    public int devices;
    public int devicesWithCompany;
    public long bytes;
    public String digest;
    /** Shape errors met while reading (a field of the wrong type, a missing required field). */
    public final List<FieldError> errors = new ArrayList<>();
}
