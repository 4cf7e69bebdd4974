package io.palisade.group.common;

import java.util.UUID;

/** The two groups every installation has: the root {@code All} and its {@code Lost & Found}. */
public final class SystemGroups {
    public static final UUID ALL = UUID.fromString("00000000-0000-0000-0000-000000000001");
    public static final UUID LOST_AND_FOUND = UUID.fromString("00000000-0000-0000-0000-000000000002");
    public static final String ALL_PATH = "/" + ALL + "/";
    public static final String LOST_AND_FOUND_PATH = ALL_PATH + LOST_AND_FOUND + "/";

    private SystemGroups() {
    }
}
