import Foundation
import TongxinctlKit

// `tongxinctl`: everything lives in TongxinctlKit (the commands in Nouns/, one file per
// noun), so tests can check the command tree and the pure parts without a subprocess.
exit(await Tongxinctl.run(arguments: Array(CommandLine.arguments.dropFirst())))
