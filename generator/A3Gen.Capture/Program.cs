using A3Gen.Capture;

return CaptureCommand.Run(args);
