package dev.triage.cli.doctor;

/** The doctor's lines: ok, warning (works, but worth a look) or broken (a service cannot run). */
final class Report {

    private boolean broken;

    void ok(String what) {
        System.out.println("  ok    " + what);
    }

    void warn(String what, String hint) {
        System.out.println("  warn  " + what + "\n        -> " + hint);
    }

    void broken(String what, String hint) {
        broken = true;
        System.out.println("  FAIL  " + what + "\n        -> " + hint);
    }

    boolean broken() {
        return broken;
    }
}
