import ExMyCLI
ExMyCommand.main()
