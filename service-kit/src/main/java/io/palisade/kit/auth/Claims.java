package io.palisade.kit.auth;

/** The claim names of a Palisade operator access token. */
public final class Claims {
    /** Home tenant id; absent for root operators. */
    public static final String TENANT_ID = "tid";
    /** Home tenant path; "/" for root operators. */
    public static final String TENANT_PATH = "tpath";
    /** Permission names. */
    public static final String PERMISSIONS = "perms";
    /** Authentication methods: "pwd", and "otp" after a TOTP code. */
    public static final String AMR = "amr";
    /** Present with the value {@value #ENROLMENT_ONLY} on a token that may only enrol TOTP. */
    public static final String RESTRICTION = "restr";
    public static final String ENROLMENT_ONLY = "totp-enrolment";
    public static final String USERNAME = "preferred_username";

    private Claims() {
    }
}
