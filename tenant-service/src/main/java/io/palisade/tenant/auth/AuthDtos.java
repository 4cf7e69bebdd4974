package io.palisade.tenant.auth;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/** The API shapes of sign-in and TOTP. */
public final class AuthDtos {

    private AuthDtos() {
    }

    public record LoginRequest(@NotBlank @Size(max = 100) String username,
                               @NotNull @Size(max = 256) String password,
                               @Size(max = 16) String totp) {
    }

    public record TokenResponse(String accessToken, String tokenType, long expiresIn) {
    }

    public record TotpEnrolment(String secret, String otpauthUri) {
    }

    public record TotpActivation(@NotNull @Pattern(regexp = "\\d{6}", message = "must be 6 digits") String code) {
    }
}
