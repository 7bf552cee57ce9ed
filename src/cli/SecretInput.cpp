#include "SecretInput.h"

#include <QByteArray>

#include <csignal>
#include <cstdio>
#include <cstring>
#include <termios.h>
#include <unistd.h>

namespace zenml::cli::input {

namespace {

// The terminal state to restore if a signal ends the program while echo is off; a signal
// handler can only reach it through a global.
struct termios g_savedTerminal;
volatile std::sig_atomic_t g_echoOff = 0;

void restoreTerminalAndReraise(int signalNumber)
{
    if (g_echoOff)
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &g_savedTerminal);
    std::signal(signalNumber, SIG_DFL);
    std::raise(signalNumber);
}

// Turns echo off for as long as it lives, and back on however the read ends.
class EchoOff final
{
public:
    EchoOff()
    {
        if (tcgetattr(STDIN_FILENO, &g_savedTerminal) != 0)
            return;
        struct termios quiet = g_savedTerminal;
        quiet.c_lflag &= ~tcflag_t(ECHO);
        quiet.c_lflag |= ECHONL; // the Enter key still moves to the next line
        struct sigaction handler = {};
        handler.sa_handler = restoreTerminalAndReraise;
        sigemptyset(&handler.sa_mask);
        for (int i = 0; i < 3; ++i)
            sigaction(kSignals[i], &handler, &m_previous[i]);
        g_echoOff = 1;
        if (tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet) != 0) {
            restoreHandlers();
            return;
        }
        m_active = true;
    }

    ~EchoOff()
    {
        if (!m_active)
            return;
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &g_savedTerminal);
        restoreHandlers();
    }

    EchoOff(const EchoOff&) = delete;
    EchoOff& operator=(const EchoOff&) = delete;

private:
    void restoreHandlers()
    {
        g_echoOff = 0;
        for (int i = 0; i < 3; ++i)
            sigaction(kSignals[i], &m_previous[i], nullptr);
    }

    static constexpr int kSignals[3] = { SIGINT, SIGTERM, SIGHUP };
    struct sigaction m_previous[3] = {};
    bool m_active = false;
};

} // namespace

bool stdinIsTerminal()
{
    return isatty(STDIN_FILENO) == 1;
}

std::optional<QString> readLine(const QString& prompt, bool hidden)
{
    if (!prompt.isEmpty()) {
        const QByteArray text = prompt.toUtf8();
        std::fwrite(text.constData(), 1, size_t(text.size()), stderr);
        std::fflush(stderr);
    }

    std::optional<EchoOff> echoOff;
    if (hidden && stdinIsTerminal())
        echoOff.emplace();

    // getline() shares stdin's buffer between calls, so consecutive lines of a pipe are not
    // lost to read-ahead.
    char* buffer = nullptr;
    size_t capacity = 0;
    const ssize_t length = getline(&buffer, &capacity, stdin);
    std::optional<QString> line;
    if (length >= 0) {
        qsizetype end = qsizetype(length);
        while (end > 0 && (buffer[end - 1] == '\n' || buffer[end - 1] == '\r'))
            --end;
        line = QString::fromUtf8(buffer, end);
    }
    // The buffer may hold a password: wipe it before it goes back to the allocator.
    if (buffer) {
        explicit_bzero(buffer, capacity);
        std::free(buffer);
    }
    return line;
}

} // namespace zenml::cli::input
