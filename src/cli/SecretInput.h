#pragma once

#include <QString>

#include <optional>

namespace zenml::cli {

// Reading what a person types or a script pipes in: passwords, tokens, confirmations.
//
// Standard input is read one line at a time (without its line ending), so several secrets can
// follow one another in one pipe: the sign-in password first, then a new user's password.
// Every read blocks; the command line only reads before a request is sent or between two
// requests, never while one is in flight.
namespace input {

bool stdinIsTerminal();

// One line of standard input; nothing at the end of the input. With `hidden` and a terminal
// on standard input, the typed characters are not echoed (termios), and the terminal is
// restored even when the read is interrupted by Ctrl+C. The prompt goes to stderr, so that
// stdout stays data only.
std::optional<QString> readLine(const QString& prompt = {}, bool hidden = false);

} // namespace input

} // namespace zenml::cli
