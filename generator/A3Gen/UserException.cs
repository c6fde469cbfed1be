namespace A3Gen;

/// <summary>An error the user can act on (bad data file, missing tool, failed simulation): printed as one line.</summary>
public sealed class UserException(string message, Exception? inner = null) : Exception(message, inner);
