#include "sandbox/PasswordHasher.h"

#include <QPasswordDigestor>
#include <QRandomGenerator>
#include <QStringList>

namespace zenml::sandbox {

namespace {

constexpr int SaltBytes = 16;
constexpr int KeyBytes = 32;

QByteArray derive(const QString& password, const QByteArray& salt, int iterations)
{
    return QPasswordDigestor::deriveKeyPbkdf2(
        QCryptographicHash::Sha256, password.toUtf8(), salt, iterations, KeyBytes);
}

} // namespace

QString PasswordHasher::hash(const QString& password, int iterations)
{
    QByteArray salt(SaltBytes, Qt::Uninitialized);
    QRandomGenerator::system()->fillRange(
        reinterpret_cast<quint32*>(salt.data()), SaltBytes / int(sizeof(quint32)));
    const QByteArray key = derive(password, salt, iterations);
    return QStringLiteral("pbkdf2-sha256$") + QString::number(iterations) + u'$'
        + QString::fromLatin1(salt.toBase64()) + u'$' + QString::fromLatin1(key.toBase64());
}

bool PasswordHasher::verify(const QString& password, const QString& encoded)
{
    const QStringList parts = encoded.split(u'$');
    if (parts.size() != 4 || parts.at(0) != u"pbkdf2-sha256")
        return false;
    bool ok = false;
    const int iterations = parts.at(1).toInt(&ok);
    if (!ok || iterations < 1)
        return false;
    const QByteArray salt = QByteArray::fromBase64(parts.at(2).toLatin1());
    const QByteArray expected = QByteArray::fromBase64(parts.at(3).toLatin1());
    return constantTimeEquals(derive(password, salt, iterations), expected);
}

bool PasswordHasher::constantTimeEquals(const QByteArray& a, const QByteArray& b)
{
    if (a.size() != b.size())
        return false;
    unsigned char difference = 0;
    for (qsizetype i = 0; i < a.size(); ++i)
        difference |= static_cast<unsigned char>(a.at(i) ^ b.at(i));
    return difference == 0;
}

} // namespace zenml::sandbox
