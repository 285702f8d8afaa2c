package io.spikegrad.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code spikegrad} command. Each subcommand ends with one JSON line on stdout. */
@Command(name = "spikegrad", mixinStandardHelpOptions = true, version = "spikegrad 0.1.0",
        description = "Train spiking neural networks with surrogate and exact gradients.",
        subcommands = {TrainCommand.class, EvaluateCommand.class, VerifyCommand.class, BenchCommand.class, CompareGradientsCommand.class, GradCommand.class, BackendsCommand.class})
public final class Main implements Runnable {

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns the exit code (tests call this). */
    public static int run(String... args) {
        CommandLine cl = new CommandLine(new Main());
        cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println("spikegrad " + cmd.getCommandName() + ": " + messageOf(e));
            return 2;
        });
        return cl.execute(args);
    }

    static String messageOf(Throwable e) {
        String m = e.getMessage();
        return m == null ? e.toString() : m;
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }
}
