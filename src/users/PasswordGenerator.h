#pragma once

#include <QCoreApplication>
#include <QFlags>
#include <QString>

namespace zenml::users {

// Initial and temporary passwords for accounts, shown once to the administrator.
//
// Every character is drawn from the operating system's random source, uniformly from the
// chosen alphabet; a password that misses one of the chosen kinds of character is thrown
// away and drawn again, so the result is uniform over all passwords that hold every kind.
class PasswordGenerator final
{
    Q_DECLARE_TR_FUNCTIONS(PasswordGenerator)

public:
    enum class CharacterClass
    {
        Lowercase = 0x1,
        Uppercase = 0x2,
        Digits = 0x4,
        Symbols = 0x8,
    };
    Q_DECLARE_FLAGS(CharacterClasses, CharacterClass)

    static constexpr int defaultLength = 20;
    static constexpr int minimumLength = 8;
    static constexpr int maximumLength = 256;
    static constexpr CharacterClasses allClasses()
    {
        return CharacterClasses(CharacterClass::Lowercase) | CharacterClass::Uppercase
            | CharacterClass::Digits | CharacterClass::Symbols;
    }

    PasswordGenerator() = default;
    explicit PasswordGenerator(
        int length, CharacterClasses classes = allClasses(), bool excludeLookAlikes = false);

    int length() const { return m_length; }
    void setLength(int length) { m_length = length; }
    CharacterClasses classes() const { return m_classes; }
    void setClasses(CharacterClasses classes) { m_classes = classes; }
    // Leaves out characters that are easily misread when a password is copied by hand.
    bool excludesLookAlikes() const { return m_excludeLookAlikes; }
    void setExcludeLookAlikes(bool exclude) { m_excludeLookAlikes = exclude; }

    // Why the configuration cannot produce a password, in a sentence; empty when it can.
    QString errorString() const;
    bool isValid() const { return errorString().isEmpty(); }

    // A new password, or an empty string when the configuration is invalid (errorString()).
    QString generate() const;

    // The characters a password is drawn from, all selected classes together.
    QString alphabet() const;
    // Strength of a generated password: length × log2(alphabet size), slightly more than
    // the real figure because passwords lacking a class are drawn again.
    double entropyBits() const;

    static QString characters(CharacterClass characterClass, bool excludeLookAlikes = false);
    static QString lookAlikes();

private:
    int m_length = defaultLength;
    CharacterClasses m_classes = allClasses();
    bool m_excludeLookAlikes = false;
};

} // namespace zenml::users

Q_DECLARE_OPERATORS_FOR_FLAGS(zenml::users::PasswordGenerator::CharacterClasses)
