#pragma once

#include <QObject>
#include <QPointer>
#include <QString>
#include <QStringList>
#include <QUrl>

#include <chrono>

class QProcess;
class QTimer;

namespace zenml::session {

// Starts the zenml-pro-sandbox executable on a free loopback port and reports, without
// blocking, where its API is and how to sign in as its reserved admin. The process is
// stopped by stop() and when the launcher is destroyed.
class SandboxLauncher final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SandboxLauncher)

public:
    explicit SandboxLauncher(QObject* parent = nullptr);
    ~SandboxLauncher() override;

    static QString executableName(); // "zenml-pro-sandbox"

    // Where the executable is looked for first. Defaults to the folder of the running program.
    void setSearchDirectory(const QString& directory);
    QString searchDirectory() const { return m_searchDirectory; }
    // Whether PATH is searched when the search directory has no sandbox (default: yes).
    void setSearchPath(bool enabled) { m_searchPath = enabled; }
    bool searchesPath() const { return m_searchPath; }

    // The executable start() would run; empty when there is none, and then *notFound says
    // exactly where it was looked for.
    QString findExecutable(QString* notFound = nullptr) const;

    // Handed to the sandbox in the environment (SANDBOX_ADMIN_PASSWORD), never on its command
    // line. Empty (the default) lets the sandbox generate one.
    void setAdminPassword(const QString& password) { m_requestedPassword = password; }

    // How long the sandbox may stay silent before it reports ready (default 15 s): any output
    // (a large seeding reports progress) starts the wait again.
    void setStartTimeout(std::chrono::milliseconds timeout) { m_startTimeout = timeout; }
    // How long a stopping sandbox may take before it is killed (default 3 s).
    void setStopGrace(std::chrono::milliseconds grace) { m_stopGrace = grace; }

    // Starts `zenml-pro-sandbox --port 0 <extraArguments>`. Ends with ready() or failed().
    // Ignored while a sandbox is starting or running; stop() it first.
    void start(const QStringList& extraArguments = {});
    // Asks the sandbox to end (SIGTERM), and kills it when it does not end within the grace.
    void stop();

    bool isRunning() const;
    bool isReady() const { return m_ready; }
    QUrl apiRoot() const { return m_apiRoot; }
    QString adminUsername() const { return m_username; }
    QString adminPassword() const { return m_password; } // never logged
    QString executablePath() const { return m_executable; }
    qint64 processId() const; // 0 when not running

Q_SIGNALS:
    void ready(const QUrl& apiRoot, const QString& username, const QString& password);
    // Before ready(): the sandbox could not be found or started, ended early, or stayed silent.
    void failed(const QString& message);
    // After ready(): the sandbox ended without being asked to.
    void exitedUnexpectedly(const QString& message);
    // After stop(): the process has ended.
    void stopped();

private:
    void readStandardOutput();
    void readStandardError();
    void stillStarting();
    void handleLine(const QString& line);
    void onFinished(int exitCode, int exitStatus);
    void fail(const QString& message);
    void releaseProcess();
    QString errorExcerpt() const;

    QString m_searchDirectory;
    bool m_searchPath = true;
    QString m_requestedPassword;
    std::chrono::milliseconds m_startTimeout { 15000 };
    std::chrono::milliseconds m_stopGrace { 3000 };

    QPointer<QProcess> m_process;
    QTimer* m_startTimer;
    QTimer* m_killTimer;
    QString m_executable;
    QByteArray m_stdoutBuffer;
    QByteArray m_stderrTail;
    QUrl m_apiRoot;
    QString m_username;
    QString m_password;
    bool m_ready = false;
    bool m_failed = false;
    bool m_stopping = false;
};

} // namespace zenml::session
