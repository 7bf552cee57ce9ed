#pragma once

// What every fuzz target shares: the checks that turn a wrong but quiet result into a crash
// libFuzzer reports, and the framing of the error-body target's input.

#include <QByteArray>
#include <QString>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

namespace zenml::fuzz {

inline QByteArray bytesOf(const std::uint8_t* data, std::size_t size)
{
    // A deep copy: the decoders may keep views, and libFuzzer reuses its buffer.
    return QByteArray(reinterpret_cast<const char*>(data), qsizetype(size));
}

[[noreturn]] inline void fail(const char* what, const QString& text)
{
    std::fprintf(stderr, "fuzz check failed: %s: %s\n", what,
        text.toUtf8().toPercentEncoding(" :,.").constData());
    std::abort();
}

// A message meant for a person: one line, no control characters, no broken UTF-16, short.
inline void checkMessage(const QString& message)
{
    for (qsizetype i = 0; i < message.size(); ++i) {
        const QChar c = message.at(i);
        if (c.category() == QChar::Other_Control)
            fail("control character in a message", message);
        if (c.isHighSurrogate() && (i + 1 == message.size() || !message.at(i + 1).isLowSurrogate()))
            fail("lone surrogate in a message", message);
        if (c.isLowSurrogate() && (i == 0 || !message.at(i - 1).isHighSurrogate()))
            fail("lone surrogate in a message", message);
    }
    if (message.size() > 2000)
        fail("message too long", message.left(100));
}

inline void check(bool condition, const char* what)
{
    if (!condition)
        fail(what, QString());
}

} // namespace zenml::fuzz
