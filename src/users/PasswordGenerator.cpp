#include "PasswordGenerator.h"

#include <QRandomGenerator>

#include <algorithm>
#include <array>
#include <cmath>

namespace zenml::users {

namespace {

constexpr std::array classOrder = {
    PasswordGenerator::CharacterClass::Lowercase,
    PasswordGenerator::CharacterClass::Uppercase,
    PasswordGenerator::CharacterClass::Digits,
    PasswordGenerator::CharacterClass::Symbols,
};

// Printable ASCII only, so that a password survives any keyboard layout and any form.
// Left out on purpose: the space, both quotes, the backslash and the backquote, which a
// terminal, a shell or a JSON string would quote or eat when the password is pasted. The
// rest still holds characters that URL and form encodings must escape (& + % # = ?), so a
// client that forgets to encode fails its tests instead of a user's first login.
constexpr char16_t lowercase[] = u"abcdefghijklmnopqrstuvwxyz";
constexpr char16_t uppercase[] = u"ABCDEFGHIJKLMNOPQRSTUVWXYZ";
constexpr char16_t digits[] = u"0123456789";
constexpr char16_t symbols[] = u"!#$%&()*+,-./:;<=>?@[]^_{|}~";
constexpr char16_t lookAlikeCharacters[] = u"0Oo1lI|";

// A uniformly distributed integer in [0, bound) from the system generator.
// QRandomGenerator::bounded() scales a 32-bit value by multiplication, which favours some
// results by up to bound / 2^32; rejecting the short top range removes that bias entirely.
quint32 uniformBelow(quint32 bound)
{
    QRandomGenerator* source = QRandomGenerator::system();
    const quint32 threshold = (0u - bound) % bound; // 2^32 mod bound
    for (;;) {
        const quint32 value = source->generate();
        if (value >= threshold)
            return value % bound;
    }
}

} // namespace

PasswordGenerator::PasswordGenerator(int length, CharacterClasses classes, bool excludeLookAlikes)
    : m_length(length)
    , m_classes(classes)
    , m_excludeLookAlikes(excludeLookAlikes)
{ }

QString PasswordGenerator::characters(CharacterClass characterClass, bool excludeLookAlikes)
{
    QString result;
    switch (characterClass) {
    case CharacterClass::Lowercase:
        result = QString::fromUtf16(lowercase);
        break;
    case CharacterClass::Uppercase:
        result = QString::fromUtf16(uppercase);
        break;
    case CharacterClass::Digits:
        result = QString::fromUtf16(digits);
        break;
    case CharacterClass::Symbols:
        result = QString::fromUtf16(symbols);
        break;
    }
    if (excludeLookAlikes) {
        for (const QChar c : lookAlikes())
            result.remove(c);
    }
    return result;
}

QString PasswordGenerator::lookAlikes()
{
    return QString::fromUtf16(lookAlikeCharacters);
}

QString PasswordGenerator::alphabet() const
{
    QString result;
    for (const CharacterClass characterClass : classOrder) {
        if (m_classes.testFlag(characterClass))
            result += characters(characterClass, m_excludeLookAlikes);
    }
    return result;
}

QString PasswordGenerator::errorString() const
{
    if (m_classes == CharacterClasses())
        return tr("Choose at least one kind of character for the password.");
    if (m_length < minimumLength)
        return tr("A generated password must be at least %1 characters long.").arg(minimumLength);
    if (m_length > maximumLength)
        return tr("A generated password can be at most %1 characters long.").arg(maximumLength);

    // Not reachable with four classes and a minimum of eight, but it is what makes the
    // "one of each kind" guarantee satisfiable, so it is checked where it is assumed.
    int classCount = 0;
    for (const CharacterClass characterClass : classOrder)
        classCount += m_classes.testFlag(characterClass) ? 1 : 0;
    if (m_length < classCount) {
        return tr("A password of %1 characters cannot hold one of each of the %2 kinds chosen.")
            .arg(m_length)
            .arg(classCount);
    }
    return {};
}

double PasswordGenerator::entropyBits() const
{
    const qsizetype size = alphabet().size();
    return isValid() && size > 0 ? m_length * std::log2(double(size)) : 0.0;
}

QString PasswordGenerator::generate() const
{
    if (!isValid())
        return {};

    // QRandomGenerator::system() reads the operating system's cryptographically secure
    // generator (getrandom or /dev/urandom, BCryptGenRandom, SecRandomCopyBytes);
    // QRandomGenerator::global() is a fast generator merely seeded from it and is not
    // meant for secrets.
    const QString characterSet = alphabet();
    const auto size = quint32(characterSet.size());
    QString password(m_length, Qt::Uninitialized);

    // Drawing again, rather than planting one character of each kind, makes every password
    // that holds all kinds equally likely; planting would favour the small classes (digits).
    for (;;) {
        for (QChar& c : password)
            c = characterSet.at(uniformBelow(size));

        bool complete = true;
        for (const CharacterClass characterClass : classOrder) {
            if (!m_classes.testFlag(characterClass))
                continue;
            const QString members = characters(characterClass, m_excludeLookAlikes);
            const bool present = std::any_of(
                password.cbegin(), password.cend(), [&](QChar c) { return members.contains(c); });
            if (!present) {
                complete = false;
                break;
            }
        }
        if (complete)
            return password;
    }
}

} // namespace zenml::users
