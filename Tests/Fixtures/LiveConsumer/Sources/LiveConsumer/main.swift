// Runs README.md's example (SyncSettings.swift, the block as printed) on the channel named first.
syncSettings(channelName: CommandLine.arguments.dropFirst().first ?? "app-sync")
