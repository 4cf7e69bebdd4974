package io.palisade.group.groups;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.util.UUID;

/** The API shapes of groups. */
public final class GroupDtos {

    public static final String PRINTABLE = "[^\\p{Cntrl}]*";

    private GroupDtos() {
    }

    public record CreateGroup(
            @NotBlank @Size(max = 200) @Pattern(regexp = PRINTABLE, message = "must not contain control characters") String name,
            @NotNull UUID parentId,
            @NotNull GroupRow.Kind kind,
            UUID templateId) {
    }

    /** Many groups at once, each under an existing parent; created together or not at all. */
    public record CreateGroups(@NotNull @Size(min = 1, max = 1000) java.util.List<@Valid @NotNull CreateGroup> groups) {
    }

    public record RenameGroup(
            @NotBlank @Size(max = 200) @Pattern(regexp = PRINTABLE, message = "must not contain control characters") String name) {
    }

    public record MoveGroup(@NotNull UUID parentId) {
    }

    public record GroupView(UUID id, String name, GroupRow.Kind kind, UUID parentId, UUID tenantId, boolean managed,
                            UUID templateId) {
        public static GroupView of(GroupRow g) {
            return new GroupView(g.id(), g.name(), g.kind(), g.parentId(), g.tenantId(), g.managed(), g.templateId());
        }
    }
}
