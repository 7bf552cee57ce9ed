#include "SandboxLauncher.h"

#ifdef Q_OS_LINUX
#include <csignal>
#include <sys/prctl.h>
#endif

#include <QCoreApplication>
#include <QDir>
#include <QLoggingCategory>
#include <QProcess>
#include <QStandardPaths>
#include <QTimer>

#include <algorithm>

Q_DECLARE_LOGGING_CATEGORY(lcSession)

namespace zenml::session {

namespace {

const QByteArray kPasswordVariable = "SANDBOX_ADMIN_PASSWORD";
constexpr qsizetype kStderrTail = 8 * 1024;
constexpr qsizetype kMaxLine = 64 * 1024;

QString oneLine(const QString& text, int maxChars)
{
    QString out = text.simplified();
    if (out.size() > maxChars)
        out = QChar(0x2026) + out.right(maxChars - 1); // the end says most about a failure
    return out;
}

} // namespace

SandboxLauncher::SandboxLauncher(QObject* parent)
    : QObject(parent)
    , m_searchDirectory(
          QCoreApplication::instance() ? QCoreApplication::applicationDirPath() : QString())
    , m_startTimer(new QTimer(this))
    , m_killTimer(new QTimer(this))
{
    m_startTimer->setSingleShot(true);
    connect(m_startTimer, &QTimer::timeout, this, [this] {
        const int seconds = std::max(1, int((m_startTimeout.count() + 999) / 1000));
        fail(tr("The sandbox (%1) did not report that it was ready, and wrote nothing for "
                "%n second(s).",
            nullptr, seconds)
                 .arg(m_executable));
    });
    m_killTimer->setSingleShot(true);
    connect(m_killTimer, &QTimer::timeout, this, [this] {
        if (isRunning()) {
            qCWarning(lcSession) << "The sandbox did not stop in time; killing it";
            m_process->kill();
        }
    });
}

SandboxLauncher::~SandboxLauncher()
{
    releaseProcess();
}

void SandboxLauncher::releaseProcess()
{
    QProcess* process = m_process;
    m_process = nullptr;
    m_killTimer->stop();
    if (!process)
        return;
    // This launcher no longer hears from it; start() may be running inside one of its signals.
    disconnect(process, nullptr, this, nullptr);
    if (process->state() == QProcess::NotRunning) {
        process->deleteLater();
        return;
    }

    // The process must not outlive the program, but waiting here would block. It is handed to
    // the application object, which deletes (and so kills) it at the latest on exit.
    // Known limitation: when the program quits, no event loop is left to see the sandbox end
    // after SIGTERM, so Qt kills it on exit with a "destroyed while running" warning; stopping
    // it in order would need the quit itself to wait for the sandbox, asynchronously.
    QCoreApplication* app = QCoreApplication::instance();
    if (!app || app->thread() != process->thread()) {
        delete process; // kills it
        return;
    }
    process->setParent(app);
    connect(process, &QProcess::finished, process, &QObject::deleteLater);
    QTimer::singleShot(m_stopGrace, process, [process] { process->kill(); });
    process->terminate();
}

QString SandboxLauncher::executableName()
{
    return QStringLiteral("zenml-pro-sandbox");
}

void SandboxLauncher::setSearchDirectory(const QString& directory)
{
    m_searchDirectory = directory;
}

QString SandboxLauncher::findExecutable(QString* notFound) const
{
    QStringList looked;
    if (!m_searchDirectory.isEmpty()) {
        const QString found
            = QStandardPaths::findExecutable(executableName(), { m_searchDirectory });
        if (!found.isEmpty())
            return found;
        looked << QDir::toNativeSeparators(m_searchDirectory);
    }
    if (m_searchPath) {
        const QString found = QStandardPaths::findExecutable(executableName());
        if (!found.isEmpty())
            return found;
        const QString path = qEnvironmentVariable("PATH");
        looked << tr("the folders on PATH (%1)").arg(path.isEmpty() ? tr("empty") : path);
    }
    if (notFound) {
        *notFound = looked.isEmpty()
            ? tr("%1 was not found: no folder was given to look in.").arg(executableName())
            : tr("%1 was not found. Looked in %2.")
                  .arg(executableName(), looked.join(tr(" and in ")));
    }
    return {};
}

bool SandboxLauncher::isRunning() const
{
    return m_process && m_process->state() != QProcess::NotRunning;
}

qint64 SandboxLauncher::processId() const
{
    return isRunning() ? m_process->processId() : 0;
}

void SandboxLauncher::start(const QStringList& extraArguments)
{
    if (isRunning() && !m_failed && !m_stopping) {
        qCWarning(lcSession) << "The sandbox is already running; start() ignored";
        return;
    }
    // A process still on its way out ends in the background.
    releaseProcess();
    m_stdoutBuffer.clear();
    m_stderrTail.clear();
    m_apiRoot = {};
    m_username.clear();
    m_password.clear();
    m_ready = false;
    m_failed = false;
    m_stopping = false;

    QString notFound;
    m_executable = findExecutable(&notFound);
    if (m_executable.isEmpty()) {
        // Reported from the event loop, like every other outcome.
        QTimer::singleShot(0, this, [this, notFound] { fail(notFound); });
        return;
    }

    auto* process = new QProcess(this);
    m_process = process;
    process->setProgram(m_executable);
#ifdef Q_OS_LINUX
    // The sandbox ends with the program that started it, however that program ends (a kill,
    // a crash, a lost display): a seeded server with a known admin password must not linger.
    process->setChildProcessModifier([] { ::prctl(PR_SET_PDEATHSIG, SIGTERM); });
#endif
    process->setArguments(
        QStringList { QStringLiteral("--port"), QStringLiteral("0") } + extraArguments);
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.remove(QString::fromLatin1(kPasswordVariable));
    if (!m_requestedPassword.isEmpty())
        environment.insert(QString::fromLatin1(kPasswordVariable), m_requestedPassword);
    process->setProcessEnvironment(environment);

    connect(
        process, &QProcess::readyReadStandardOutput, this, &SandboxLauncher::readStandardOutput);
    connect(process, &QProcess::readyReadStandardError, this, &SandboxLauncher::readStandardError);
    connect(process, &QProcess::errorOccurred, this, [this](QProcess::ProcessError error) {
        if (error == QProcess::FailedToStart) {
            fail(tr("The sandbox (%1) could not be started: %2")
                     .arg(m_executable, m_process ? m_process->errorString() : QString()));
        }
    });
    connect(process, &QProcess::finished, this,
        [this](int exitCode, QProcess::ExitStatus status) { onFinished(exitCode, status); });

    qCInfo(lcSession).noquote() << "Starting the sandbox" << m_executable
                                << process->arguments().join(QLatin1Char(' '));
    m_startTimer->start(m_startTimeout);
    process->start();
}

void SandboxLauncher::stop()
{
    m_startTimer->stop();
    if (!isRunning())
        return;
    m_stopping = true;
    qCInfo(lcSession) << "Stopping the sandbox";
    m_process->terminate();
    m_killTimer->start(m_stopGrace);
}

void SandboxLauncher::readStandardOutput()
{
    if (!m_process)
        return;
    const QByteArray chunk = m_process->readAllStandardOutput();
    // Once ready, the rest of the output is of no use here, but it must still be drained.
    if (m_ready || m_failed)
        return;
    stillStarting();
    m_stdoutBuffer += chunk;
    qsizetype newline;
    while ((newline = m_stdoutBuffer.indexOf('\n')) >= 0) {
        QByteArray line = m_stdoutBuffer.left(newline);
        m_stdoutBuffer.remove(0, newline + 1);
        if (line.endsWith('\r'))
            line.chop(1);
        handleLine(QString::fromUtf8(line));
        if (m_ready || m_failed)
            return;
    }
    if (m_stdoutBuffer.size() > kMaxLine)
        m_stdoutBuffer.clear();
}

void SandboxLauncher::handleLine(const QString& line)
{
    static const QString rootPrefix = QStringLiteral("API root: ");
    static const QString userPrefix = QStringLiteral("Admin username: ");
    static const QString passwordPrefix = QStringLiteral("Admin password: ");

    if (line.startsWith(rootPrefix)) {
        const QUrl url(line.mid(rootPrefix.size()).trimmed(), QUrl::StrictMode);
        if (!url.isValid()
            || (url.scheme() != QLatin1String("http") && url.scheme() != QLatin1String("https"))) {
            fail(tr("The sandbox reported an API root that is not a usable address."));
            return;
        }
        m_apiRoot = url;
    } else if (line.startsWith(userPrefix)) {
        m_username = line.mid(userPrefix.size()).trimmed();
    } else if (line.startsWith(passwordPrefix)) {
        // Taken as printed: a password may begin or end with a space.
        m_password = line.mid(passwordPrefix.size());
    } else {
        return;
    }

    // A password the caller chose need not be printed back.
    if (m_password.isEmpty() && !m_requestedPassword.isEmpty() && !m_username.isEmpty())
        m_password = m_requestedPassword;
    if (m_apiRoot.isEmpty() || m_username.isEmpty() || m_password.isEmpty())
        return;

    m_ready = true;
    m_startTimer->stop();
    m_stdoutBuffer.clear();
    qCInfo(lcSession).noquote() << "The sandbox is ready at" << m_apiRoot.toDisplayString()
                                << "with the admin account" << m_username;
    Q_EMIT ready(m_apiRoot, m_username, m_password);
}

// The start timeout counts silence, not time: seeding a large sandbox takes a while, and the
// sandbox reports its progress meanwhile.
void SandboxLauncher::stillStarting()
{
    if (m_startTimer->isActive())
        m_startTimer->start(m_startTimeout);
}

void SandboxLauncher::readStandardError()
{
    if (!m_process)
        return;
    m_stderrTail += m_process->readAllStandardError();
    if (!m_ready && !m_failed)
        stillStarting();
    if (m_stderrTail.size() > kStderrTail)
        m_stderrTail.remove(0, m_stderrTail.size() - kStderrTail);
}

QString SandboxLauncher::errorExcerpt() const
{
    QString text = QString::fromUtf8(m_stderrTail);
    for (const QString& secret : { m_password, m_requestedPassword }) {
        if (!secret.isEmpty())
            text.replace(secret, QStringLiteral("\u2022\u2022\u2022"));
    }
    return oneLine(text, 400);
}

void SandboxLauncher::onFinished(int exitCode, int exitStatus)
{
    m_killTimer->stop();
    m_startTimer->stop();
    if (m_process)
        m_stderrTail += m_process->readAllStandardError();
    if (!m_ready && !m_failed)
        stillStarting();

    const QString how = exitStatus == QProcess::CrashExit ? tr("crashed")
                                                          : tr("exited with code %1").arg(exitCode);
    const QString excerpt = errorExcerpt();
    const QString detail = excerpt.isEmpty() ? QString() : QStringLiteral(": ") + excerpt;

    if (m_stopping) {
        m_stopping = false;
        qCInfo(lcSession) << "The sandbox stopped";
        Q_EMIT stopped();
    } else if (!m_ready) {
        fail(tr("The sandbox (%1) %2 before it was ready%3").arg(m_executable, how, detail));
    } else {
        qCWarning(lcSession).noquote() << "The sandbox" << how;
        Q_EMIT exitedUnexpectedly(tr("The sandbox %1%2").arg(how, detail));
    }
}

void SandboxLauncher::fail(const QString& message)
{
    if (m_ready || m_failed)
        return;
    m_failed = true;
    m_startTimer->stop();
    qCWarning(lcSession).noquote() << message;
    stop();
    // The process may already be gone; nobody asked for a stopped() either way.
    m_stopping = false;
    Q_EMIT failed(message);
}

} // namespace zenml::session
