package io.palisade.migration.remote;

/** Another service refused a call; carries its answer so the job can report why. */
public final class RemoteFailure extends RuntimeException {

    private final RemoteCall.Answer answer;

    public RemoteFailure(RemoteCall.Answer answer) {
        super("HTTP " + answer.status() + " " + answer.problem() + ": " + answer.detail(), null, false, false);
        this.answer = answer;
    }

    public RemoteCall.Answer answer() {
        return answer;
    }
}
