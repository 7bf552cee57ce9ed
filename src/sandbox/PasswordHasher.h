#pragma once

#include <QByteArray>
#include <QString>

namespace zenml::sandbox {

// Salted PBKDF2-SHA256. An encoded hash reads "pbkdf2-sha256$<rounds>$<salt>$<key>" (base64),
// so that hashes made with another round count still verify.
class PasswordHasher final
{
public:
    static QString hash(const QString& password, int iterations);
    static bool verify(const QString& password, const QString& encoded);

    // True when both are equal; the time taken depends only on the lengths.
    static bool constantTimeEquals(const QByteArray& a, const QByteArray& b);
};

} // namespace zenml::sandbox
