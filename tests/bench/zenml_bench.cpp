// zenml-bench: how the program fares with many users, side by side with what an administrator
// would otherwise script (curl, curl + jq). Starts its own sandbox per user count, repeats
// every measurement and prints medians; the last line sums up the largest run for scripts.
// See BENCHMARKS.md.

#include "MainWindow.h"
#include "controlplane/ApiClient.h"
#include "session/ServerProfile.h"
#include "session/Session.h"
#include "users/UserFilterModel.h"
#include "users/UserTableModel.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QHeaderView>
#include <QNetworkAccessManager>
#include <QProcess>
#include <QRegularExpression>
#include <QSettings>
#include <QTableView>
#include <QTemporaryDir>
#include <QThread>
#include <QTimer>

#include <algorithm>
#include <cstdio>
#include <malloc.h>
#include <map>
#include <numeric>
#include <optional>

using zenml::controlplane::ApiClient;
using zenml::controlplane::ApiError;
using zenml::controlplane::UserListJob;
using zenml::session::Session;
using zenml::ui::MainWindow;
using zenml::users::UserFilterModel;
using zenml::users::UserList;
using zenml::users::UserTableModel;

namespace {

constexpr int kPageSize = 1000;
const QString kAdminPassword = QStringLiteral("bench-admin-password-1");

double median(QList<double> values)
{
    if (values.isEmpty())
        return 0;
    std::sort(values.begin(), values.end());
    const qsizetype mid = values.size() / 2;
    return values.size() % 2 ? values.at(mid) : (values.at(mid - 1) + values.at(mid)) / 2;
}

double maximum(const QList<double>& values)
{
    return values.isEmpty() ? 0 : *std::max_element(values.cbegin(), values.cend());
}

double msSince(const QElapsedTimer& clock)
{
    return double(clock.nsecsElapsed()) / 1e6;
}

void say(const QString& line)
{
    std::fputs(qPrintable(line + QLatin1Char('\n')), stdout);
    std::fflush(stdout);
}

QString fmt(double value, int decimals = 1)
{
    return QString::number(value, 'f', decimals);
}

qint64 residentBytes()
{
    QFile status(QStringLiteral("/proc/self/status"));
    if (!status.open(QIODevice::ReadOnly))
        return 0;
    for (const QByteArray& line : status.readAll().split('\n')) {
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').value(0).toLongLong() * 1024;
    }
    return 0;
}

qint64 heapInUse()
{
    return qint64(mallinfo2().uordblks);
}

// Runs the event loop until `done` holds or `timeoutMs` passes.
bool spinUntil(const std::function<bool()>& done, int timeoutMs = 120000)
{
    QElapsedTimer clock;
    clock.start();
    while (!done()) {
        if (clock.elapsed() > timeoutMs)
            return false;
        QCoreApplication::processEvents(QEventLoop::AllEvents, 50);
    }
    return true;
}

// A zenml-pro-sandbox process with --verbose, whose log gives the server's own time per page.
class Sandbox
{
public:
    bool start(const QString& program, int users)
    {
        m_process.setProgram(program);
        m_process.setArguments({ QStringLiteral("--port"), QStringLiteral("0"),
            QStringLiteral("--seed"), QString::number(users), QStringLiteral("--verbose") });
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        environment.insert(QStringLiteral("SANDBOX_ADMIN_PASSWORD"), kAdminPassword);
        m_process.setProcessEnvironment(environment);
        if (!m_logConnection) {
            m_logConnection = QObject::connect(&m_process, &QProcess::readyReadStandardError,
                [this] { m_log += m_process.readAllStandardError(); });
        }
        m_apiRoot.clear();
        m_log.clear();
        m_process.start();
        if (!m_process.waitForStarted(10000))
            return false;
        QByteArray out;
        const QRegularExpression root(QStringLiteral("API root: (\\S+)"));
        return spinUntil(
                   [&] {
                       out += m_process.readAllStandardOutput();
                       const auto match = root.match(QString::fromUtf8(out));
                       if (match.hasMatch())
                           m_apiRoot = QUrl(match.captured(1));
                       return m_apiRoot.isValid() || m_process.state() == QProcess::NotRunning;
                   },
                   300000)
            && m_apiRoot.isValid();
    }

    void stop()
    {
        m_process.terminate();
        if (!m_process.waitForFinished(10000))
            m_process.kill();
        m_process.waitForFinished(5000);
    }

    QUrl apiRoot() const { return m_apiRoot; }
    void clearLog() { m_log.clear(); }

    // The server's time for each GET /users answered since clearLog().
    QList<double> pageTimes()
    {
        m_log += m_process.readAllStandardError();
        QList<double> times;
        static const QRegularExpression line(QStringLiteral("/users -> 200 in (\\d+) ms"));
        auto it = line.globalMatch(QString::fromUtf8(m_log));
        while (it.hasNext())
            times << it.next().captured(1).toDouble();
        return times;
    }

private:
    QProcess m_process;
    QMetaObject::Connection m_logConnection;
    QUrl m_apiRoot;
    QByteArray m_log;
};

struct Figures
{
    int users = 0;
    double listMs = 0;
    double serverPageMs = 0;
    double serverTotalMs = 0;
    double curlMs = 0;
    double jqMs = 0;
    double filterP50 = 0;
    double filterMax = 0;
    std::map<int, double> sortMs;
    double stallFirstLoad = 0;
    double stallRefresh = 0;
    double bytesPerUser = 0;
    double heapPerUser = 0;
};

class Bench
{
public:
    Bench(const QString& binDir, int repeat)
        : m_binDir(binDir)
        , m_repeat(repeat)
    { }

    std::optional<Figures> run(int users);
    struct Startup
    {
        double firstStart = 0; // no profile saved: the set-up wizard
        double everyday = 0; // a profile saved: the sign-in dialog
        double minimal = 0;
    };
    std::optional<Startup> startup();

private:
    bool signIn(const QUrl& apiRoot);
    double listOnce();
    double shell(const QString& command, QByteArray* output = nullptr);
    QString writeCurlConfig(int users, bool toDevNull);
    void measureWindow(Figures& figures);

    QString m_binDir;
    int m_repeat;
    Sandbox m_sandbox;
    QNetworkAccessManager m_network;
    std::unique_ptr<Session> m_session;
    QString m_token;
    QTemporaryDir m_temp;
};

bool Bench::signIn(const QUrl& apiRoot)
{
    m_session = std::make_unique<Session>(&m_network);
    bool done = false;
    bool ok = false;
    QObject::connect(m_session.get(), &Session::signedIn, [&] { done = ok = true; });
    QObject::connect(m_session.get(), &Session::signInFailed, [&] { done = true; });
    m_session->signIn(apiRoot, Session::Method::Password, QStringLiteral("admin"), kAdminPassword);
    spinUntil([&] { return done; }, 30000);
    if (ok)
        m_token = m_session->client()->accessToken();
    return ok;
}

// Item 1: every page through ApiClient and UserListJob into a shown main window's table,
// sorted by username, as a first load (pages appended as they arrive); login excluded.
double Bench::listOnce()
{
    MainWindow window(m_session.get());
    window.resize(1200, 800);
    window.show();
    window.findChild<QTableView*>(QStringLiteral("userView"))
        ->sortByColumn(UserTableModel::UsernameColumn, Qt::AscendingOrder);
    spinUntil([] { return false; }, 50); // let the window settle

    bool done = false;
    QObject::connect(&window, &MainWindow::loadFinished, [&](bool complete) {
        if (!complete)
            say(QStringLiteral("listing failed: ") + window.noticeText());
        done = true;
    });
    QElapsedTimer clock;
    clock.start();
    window.refresh();
    spinUntil([&] { return done; });
    return msSince(clock);
}

double Bench::shell(const QString& command, QByteArray* output)
{
    QProcess process;
    process.setProgram(QStringLiteral("/bin/sh"));
    process.setArguments({ QStringLiteral("-c"), command });
    QElapsedTimer clock;
    clock.start();
    process.start();
    process.waitForFinished(600000);
    const double elapsed = msSince(clock);
    if (output)
        *output = process.readAllStandardOutput();
    return elapsed;
}

// The same pages as the client asks for, in one curl run (one connection, one after another).
// The token goes into the config file, not onto a command line.
QString Bench::writeCurlConfig(int users, bool toDevNull)
{
    const QString path
        = m_temp.filePath(QStringLiteral("pages-%1-%2.curl").arg(users).arg(int(toDevNull)));
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate))
        return {};
    file.write("silent\nheader = \"Authorization: Bearer " + m_token.toUtf8() + "\"\n");
    const int listed = users + 1; // the sandbox lists its admin too
    for (int offset = 0; offset < listed; offset += kPageSize) {
        file.write("url = \"" + m_sandbox.apiRoot().toString().toUtf8() + "/users?offset="
            + QByteArray::number(offset) + "&limit=" + QByteArray::number(kPageSize) + "\"\n");
        if (toDevNull)
            file.write("output = \"/dev/null\"\n");
    }
    file.setPermissions(QFile::ReadOwner | QFile::WriteOwner);
    return path;
}

std::optional<Figures> Bench::run(int users)
{
    Figures figures;
    figures.users = users;
    say(QStringLiteral("== %1 users: starting the sandbox (seeding) ...").arg(users));
    if (!m_sandbox.start(m_binDir + QStringLiteral("/zenml-pro-sandbox"), users)) {
        say(QStringLiteral("the sandbox did not start"));
        return std::nullopt;
    }
    if (!signIn(m_sandbox.apiRoot())) {
        say(QStringLiteral("signing in to the sandbox failed"));
        m_sandbox.stop();
        return std::nullopt;
    }

    // Items 1-3, interleaved so that a burst of load elsewhere hits all three alike.
    const QString floorConfig = writeCurlConfig(users, true);
    const QString config = writeCurlConfig(users, false);
    QList<double> list, curl, jq, serverPage, serverTotal;
    listOnce(); // warm-up: connections, caches, the sandbox's statements
    for (int rep = 0; rep < m_repeat; ++rep) {
        m_sandbox.clearLog();
        list << listOnce();
        const QList<double> pages = m_sandbox.pageTimes();
        serverPage << median(pages);
        serverTotal << std::accumulate(pages.cbegin(), pages.cend(), 0.0);

        curl << shell(QStringLiteral("curl -K '%1'").arg(floorConfig));
        QByteArray counted;
        jq << shell(
            QStringLiteral("curl -K '%1' | jq -n '[inputs | length] | add'").arg(config), &counted);
        if (counted.trimmed().toLongLong() != users + 1)
            say(QStringLiteral("curl + jq counted %1 users, not %2")
                    .arg(QString::fromUtf8(counted.trimmed()))
                    .arg(users + 1));
    }
    figures.listMs = median(list);
    figures.serverPageMs = median(serverPage);
    figures.serverTotalMs = median(serverTotal);
    figures.curlMs = median(curl);
    figures.jqMs = median(jq);

    measureWindow(figures);
    m_session.reset();
    m_sandbox.stop();
    return figures;
}

// Items 5-8 through the real main window, shown on the (offscreen) screen.
void Bench::measureWindow(Figures& figures)
{
    QList<double> stallsFirst, stallsRefresh, bytes, heap, keystrokes;
    std::map<int, QList<double>> sorts;
    const QString word = QStringLiteral("kowalski");

    for (int rep = 0; rep < m_repeat; ++rep) {
        auto window = std::make_unique<MainWindow>(m_session.get());
        window->resize(1200, 800);
        window->show();
        auto* view = window->findChild<QTableView*>(QStringLiteral("userView"));
        spinUntil([] { return false; }, 100); // let the window settle
        malloc_trim(0);
        const qint64 rssBefore = residentBytes();
        const qint64 heapBefore = heapInUse();

        // Item 7: a 1 ms timer on the GUI thread; the longest gap between its ticks is the
        // longest time the window could not react.
        auto loadWithProbe = [&]() {
            QElapsedTimer tick;
            double longest = 0;
            QTimer probe;
            probe.setTimerType(Qt::PreciseTimer);
            probe.setInterval(1);
            int rowsAtLongest = 0;
            QObject::connect(&probe, &QTimer::timeout, [&] {
                if (msSince(tick) > longest) {
                    longest = msSince(tick);
                    rowsAtLongest = window->userModel()->rowCount();
                }
                tick.restart();
            });
            bool done = false;
            const auto connection = QObject::connect(
                window.get(), &MainWindow::loadFinished, [&done] { done = true; });
            tick.start();
            probe.start();
            window->refresh();
            spinUntil([&] { return done; });
            probe.stop();
            QObject::disconnect(connection);
            if (qEnvironmentVariableIsSet("ZENML_BENCH_VERBOSE"))
                say(QStringLiteral("  longest stall %1 ms, ended with %2 rows in the model")
                        .arg(fmt(longest))
                        .arg(rowsAtLongest));
            return longest;
        };
        stallsFirst << loadWithProbe();

        // Item 8: what the loaded rows keep, once the listing's own buffers are gone.
        spinUntil([] { return false; }, 100);
        malloc_trim(0);
        const int rows = window->userModel()->rowCount();
        bytes << double(residentBytes() - rssBefore) / rows;
        heap << double(heapInUse() - heapBefore) / rows;

        stallsRefresh << loadWithProbe();

        // Item 5: the typed word, one keystroke at a time, then cleared in one stroke.
        if (rep > 0 || m_repeat == 1) {
            for (qsizetype length = 1; length <= word.size() + 1; ++length) {
                const QString text = length <= word.size() ? word.left(length) : QString();
                QElapsedTimer clock;
                clock.start();
                window->filterModel()->setSearchText(text);
                view->viewport()->repaint();
                keystrokes << msSince(clock);
            }
        }

        // Item 6: a click on each column header, i.e. a sort of the whole list.
        for (int column = 0; column < UserTableModel::ColumnCount; ++column) {
            QElapsedTimer clock;
            clock.start();
            view->sortByColumn(column, Qt::AscendingOrder);
            view->viewport()->repaint();
            sorts[column] << msSince(clock);
        }
        view->sortByColumn(UserTableModel::UsernameColumn, Qt::AscendingOrder);
        window->close();
    }
    figures.stallFirstLoad = median(stallsFirst);
    figures.stallRefresh = median(stallsRefresh);
    figures.bytesPerUser = median(bytes);
    figures.heapPerUser = median(heap);
    figures.filterP50 = median(keystrokes);
    figures.filterMax = maximum(keystrokes);
    for (const auto& [column, times] : sorts)
        figures.sortMs[column] = median(times);
}

// Item 9: process start to the first painted window, for zenml-pro-admin and for a minimal Qt
// Widgets window, both on the offscreen platform with the same probe plugin.
std::optional<Bench::Startup> Bench::startup()
{
    // A configuration with one saved profile (no secret remembered), as after a first set-up.
    const QString everydayConfig = m_temp.filePath(QStringLiteral("config-with-profile"));
    {
        QSettings settings(
            everydayConfig + QStringLiteral("/ZenML/ZenML Pro Admin.conf"), QSettings::IniFormat);
        zenml::session::ProfileStore profiles(&settings);
        zenml::session::ServerProfile profile;
        profile.name = QStringLiteral("production");
        profile.apiRoot = QUrl(QStringLiteral("https://zenml.example.com/api/v1"));
        profile.username = QStringLiteral("admin");
        profiles.save(profile);
        settings.sync();
    }

    auto timeOnce = [this](const QString& program, const QString& configHome) -> double {
        QProcess process;
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        environment.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
        environment.insert(
            QStringLiteral("QT_PLUGIN_PATH"), m_binDir + QStringLiteral("/bench-plugins"));
        environment.insert(
            QStringLiteral("QT_QPA_GENERIC_PLUGINS"), QStringLiteral("zenmlfirstpaint"));
        environment.insert(QStringLiteral("XDG_CONFIG_HOME"), configHome);
        process.setProcessEnvironment(environment);
        process.setProgram(program);
        QElapsedTimer clock;
        clock.start();
        process.start();
        QByteArray out;
        while (!out.contains("first-paint") && process.waitForReadyRead(20000))
            out += process.readAllStandardOutput();
        const double elapsed = msSince(clock);
        if (!out.contains("first-paint")) {
            process.kill();
            process.waitForFinished(5000);
            return -1;
        }
        process.waitForFinished(5000);
        return elapsed;
    };

    const QString emptyConfig = m_temp.filePath(QStringLiteral("config"));
    QList<double> firstStart, everyday, minimal;
    const QString adminProgram = m_binDir + QStringLiteral("/zenml-pro-admin");
    const QString minimalProgram = m_binDir + QStringLiteral("/zenml-bench-minimal-window");
    timeOnce(adminProgram, emptyConfig); // warm the page cache for both
    timeOnce(minimalProgram, emptyConfig);
    for (int rep = 0; rep < std::max(m_repeat, 5) * 3; ++rep) {
        firstStart << timeOnce(adminProgram, emptyConfig);
        everyday << timeOnce(adminProgram, everydayConfig);
        minimal << timeOnce(minimalProgram, emptyConfig);
    }
    if (firstStart.contains(-1) || everyday.contains(-1) || minimal.contains(-1))
        return std::nullopt;
    return Startup { median(firstStart), median(everyday), median(minimal) };
}

} // namespace

// The offscreen platform's complaints about window hints say nothing about the figures.
void quietMessages(QtMsgType type, const QMessageLogContext& context, const QString& message)
{
    if (message.contains(QLatin1String("propagateSizeHints")))
        return;
    std::fputs(qPrintable(qFormatLogMessage(type, context, message) + QLatin1Char('\n')), stderr);
}

int main(int argc, char* argv[])
{
    qInstallMessageHandler(quietMessages);
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    // The window's settings and the client's log stay out of the figures.
    qputenv("XDG_CONFIG_HOME", QDir::tempPath().toUtf8() + "/zenml-bench-config");
    if (qEnvironmentVariableIsEmpty("QT_LOGGING_RULES"))
        qputenv("QT_LOGGING_RULES", "zenml.*.info=false");
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("zenml-bench"));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Lists, filters and sorts N sandbox users through the program's own code, next to curl "
        "and curl + jq, and times start-up. Prints medians; the last line sums up the largest "
        "N."));
    parser.addHelpOption();
    const QCommandLineOption usersOption(QStringLiteral("users"),
        QStringLiteral("Comma-separated user counts (default 10000,100000)."),
        QStringLiteral("list"), QStringLiteral("10000,100000"));
    const QCommandLineOption repeatOption(QStringLiteral("repeat"),
        QStringLiteral("Repetitions of each measurement (default 5)."), QStringLiteral("n"),
        QStringLiteral("5"));
    parser.addOptions({ usersOption, repeatOption });
    parser.process(app);

    QList<int> counts;
    for (const QString& part : parser.value(usersOption).split(QLatin1Char(','))) {
        if (const int count = part.trimmed().toInt(); count > 0)
            counts << count;
    }
    const int repeat = std::max(1, parser.value(repeatOption).toInt());
    if (counts.isEmpty()) {
        say(QStringLiteral("--users needs at least one positive count"));
        return 2;
    }

    Bench bench(QCoreApplication::applicationDirPath(), repeat);
    QList<Figures> all;
    for (const int count : std::as_const(counts)) {
        const auto figures = bench.run(count);
        if (!figures)
            return 1;
        all << *figures;
    }
    say(QStringLiteral("== start-up ..."));
    const auto startup = bench.startup();

    say(QString());
    say(QStringLiteral("Medians of %1 repetitions, %2 users per page, on %3 cores.")
            .arg(repeat)
            .arg(kPageSize)
            .arg(QThread::idealThreadCount()));
    for (const Figures& f : std::as_const(all)) {
        say(QString());
        say(QStringLiteral("users: %1").arg(f.users));
        say(QStringLiteral("  1 list into the model            %1 ms (the sandbox's own time: "
                           "%2 ms per page, %3 ms in all)")
                .arg(fmt(f.listMs), fmt(f.serverPageMs), fmt(f.serverTotalMs, 0)));
        say(QStringLiteral("  2 curl to /dev/null (floor)       %1 ms").arg(fmt(f.curlMs)));
        say(QStringLiteral("  3 curl | jq (scripted)            %1 ms").arg(fmt(f.jqMs)));
        say(QStringLiteral("  4 ratio list/curl                 %1  (target <= 1.5)")
                .arg(fmt(f.listMs / f.curlMs, 2)));
        say(QStringLiteral("    ratio list/(curl | jq)          %1  (target <= 0.5)")
                .arg(fmt(f.listMs / f.jqMs, 2)));
        say(QStringLiteral("  5 filter per keystroke            median %1 ms, worst %2 ms "
                           "(targets 16, 50)")
                .arg(fmt(f.filterP50), fmt(f.filterMax)));
        QStringList sorts;
        double worstSort = 0;
        for (const auto& [column, ms] : f.sortMs) {
            sorts << QStringLiteral("%1 %2").arg(column).arg(fmt(ms));
            worstSort = std::max(worstSort, ms);
        }
        say(QStringLiteral("  6 sort per column (ms)            %1; worst %2 (target 150)")
                .arg(sorts.join(QStringLiteral(", ")), fmt(worstSort)));
        say(QStringLiteral("  7 longest GUI stall               first load %1 ms, refresh %2 ms "
                           "(target 50)")
                .arg(fmt(f.stallFirstLoad), fmt(f.stallRefresh)));
        say(QStringLiteral("  8 memory per loaded user          %1 bytes resident, %2 bytes of "
                           "heap (target 400)")
                .arg(fmt(f.bytesPerUser, 0), fmt(f.heapPerUser, 0)));
    }
    double startupRatio = 0;
    if (startup) {
        startupRatio = startup->firstStart / startup->minimal;
        say(QString());
        say(QStringLiteral("  9 start-up to first paint         minimal window %1 ms; "
                           "zenml-pro-admin (target 1.3):")
                .arg(fmt(startup->minimal)));
        say(QStringLiteral("      first start, set-up wizard    %1 ms, ratio %2")
                .arg(fmt(startup->firstStart), fmt(startupRatio, 2)));
        say(QStringLiteral("      a profile saved, sign-in      %1 ms, ratio %2")
                .arg(fmt(startup->everyday), fmt(startup->everyday / startup->minimal, 2)));
    } else {
        say(QStringLiteral("  9 start-up: a program did not report its first paint"));
    }

    const Figures& last = all.constLast();
    say(QString());
    say(QStringLiteral("users=%1 list_ms=%2 floor_ratio=%3 jq_ratio=%4 filter_p50_ms=%5 "
                       "filter_max_ms=%6 stall_max_ms=%7 bytes_per_user=%8 startup_ratio=%9")
            .arg(last.users)
            .arg(fmt(last.listMs, 0), fmt(last.listMs / last.curlMs, 2),
                fmt(last.listMs / last.jqMs, 2), fmt(last.filterP50), fmt(last.filterMax),
                fmt(std::max(last.stallFirstLoad, last.stallRefresh)), fmt(last.bytesPerUser, 0),
                fmt(startupRatio, 2)));
    return 0;
}
