#pragma once

#include "sandbox/SandboxFault.h"

#include <QByteArray>
#include <QList>
#include <QPair>
#include <QString>
#include <QStringList>

#include <optional>

namespace zenml::sandbox {

// The behaviours the public API documentation leaves open (contract, "Open questions").
enum class ExpiredPasswordLogin
{
    Allowed, // 200, and /users/me shows password_expired: true
    Forbidden // 403 naming the expired password, unless the login form carries new_password
};

enum class ListShape
{
    Array, // GET /users answers a bare JSON array
    Envelope // {"items": [...], "total": N, "offset": O, "limit": L}
};

enum class PatchName
{
    DisplayName, // PATCH {"name"} changes the display name
    Username // PATCH {"name"} renames the account
};

struct SandboxOptions
{
    // SQLite file; empty keeps everything in memory for the life of the server.
    QString databasePath;

    QString adminUsername = QStringLiteral("admin");
    // Empty: the password kept in the database from an earlier start, else a generated one.
    QString adminPassword;

    int tokenTtlSeconds = 3600;
    int defaultPageSize = 100;
    int maxPageSize = 1000;

    // Users created at the first start (the database holds no user but the admin yet).
    int seedCount = 0;
    quint32 seedRandom = 1;

    // Accepted as bearer tokens or at /auth/login with an empty username; they act as the admin.
    QStringList apiKeys;

    // PBKDF2 rounds for passwords set from now on; stored hashes keep their own count.
    int passwordIterations = 20000;

    ExpiredPasswordLogin expiredPasswordLogin = ExpiredPasswordLogin::Allowed;
    int createStatus = 200; // 200 or 201
    ListShape listShape = ListShape::Array;
    bool adminInList = true;
    PatchName patchName = PatchName::DisplayName;

    // HTTPS with this PEM certificate and key (--tls-cert, --tls-key); plain HTTP when empty.
    QString tlsCertificatePath;
    QString tlsKeyPath;

    // Misbehaviours from the start (--fault); more can be added at run time.
    QList<SandboxFault> faults;
};

// The command-line spellings of the open-question switches, both ways.
QString toString(ExpiredPasswordLogin value);
QString toString(ListShape value);
QString toString(PatchName value);
std::optional<ExpiredPasswordLogin> expiredPasswordLoginFromString(const QString& text);
std::optional<ListShape> listShapeFromString(const QString& text);
std::optional<PatchName> patchNameFromString(const QString& text);

// The password every seeded local account shares (documented in --help).
QString seededPassword();

} // namespace zenml::sandbox
