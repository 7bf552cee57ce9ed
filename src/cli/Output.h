#pragma once

#include "users/User.h"

#include <QJsonObject>
#include <QString>

namespace zenml::cli::output {

// A user as scripts read it: the wire's field names, every key always present (strings are
// empty rather than null), plus "kind" (local, sso, service_account, reserved_admin).
QJsonObject userToJson(const users::User& user, const QString& reservedAdminUsername);

// Indented JSON with a final newline.
QString jsonText(const QJsonObject& object);
QString jsonText(const users::UserList& list, const QString& reservedAdminUsername);

// A header row and one row per user, columns aligned with spaces; server text is made safe
// for a terminal (see terminalSafe).
QString table(const users::UserList& list, const QString& reservedAdminUsername);

// RFC 4180: CRLF line ends, a header row, a cell quoted when it holds a comma, a quote, CR or
// LF, quotes doubled.
QString csv(const users::UserList& list, const QString& reservedAdminUsername);
// One CSV cell. A cell that starts with = + - @ (or a tab or CR) is read as a formula by
// spreadsheets (CSV injection), so it gets a leading ' (the OWASP advice). That alters such
// values; --format json keeps them exact.
QString csvCell(const QString& value);

// Text from the server (names, messages) shown on a terminal: control characters (which could
// move the cursor, change colours or retitle the window) become U+FFFD.
QString terminalSafe(const QString& text);

// Case-insensitive substring of username, display name or e-mail; surrounding whitespace of
// the filter is ignored and an empty filter keeps everyone (as the window's search).
users::UserList filtered(const users::UserList& list, const QString& filter);

} // namespace zenml::cli::output
