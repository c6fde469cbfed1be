using A3Gen.Cli;

return Cli.Run(args);
