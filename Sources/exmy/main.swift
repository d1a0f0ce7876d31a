import ExMyCLI
ExMyCommand.runMain()
