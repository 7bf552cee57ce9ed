#pragma once

#include <QStringList>

namespace zenml::cli {

// Runs the command line of `arguments` (arguments.first() is the program) to its end and
// returns the exit status (see ExitCode). Needs a QCoreApplication, and runs its event loop;
// no display is needed.
int runCommandLine(const QStringList& arguments);

} // namespace zenml::cli
