// The main window against a seeded sandbox on the offscreen platform: what an administrator
// sees after signing in.

#include "MainWindow.h"
#include "controlplane/ApiClient.h"
#include "session/Session.h"
#include "support/SandboxFixture.h"
#include "users/UserFilterModel.h"
#include "users/UserTableModel.h"

#include <QApplication>
#include <QDir>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QNetworkAccessManager>
#include <QSignalSpy>
#include <QStatusBar>
#include <QTableView>
#include <QTest>

using zenml::session::Session;
using zenml::ui::MainWindow;
using zenml::users::UserTableModel;

namespace {
constexpr int kSeededUsers = 300;
}

class TestMainWindow final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void rowsAppearWithCounts();
    void searchNarrowsRows();
    void searchIsCaseInsensitiveAcrossColumns();
    void sortingSurvivesRefresh();
    void refreshWhileTheLastOneIsPutInOrder();
    void failedRefreshKeepsPreviousList();

private:
    void loadInto(MainWindow& window);

    RunningSandbox m_sandbox;
    QNetworkAccessManager m_network;
    std::unique_ptr<Session> m_session;
    int m_expectedRows = 0;
};

void TestMainWindow::initTestCase()
{
    QApplication::setOrganizationName(QStringLiteral("ZenML Tests"));
    QApplication::setApplicationName(QStringLiteral("tst_main_window"));
    qputenv("XDG_CONFIG_HOME", QDir::tempPath().toUtf8() + "/zenml-tst-main-window-config");

    m_sandbox = startSandbox({ QStringLiteral("--seed"), QString::number(kSeededUsers),
        QStringLiteral("--seed-random"), QStringLiteral("7") });
    if (!m_sandbox.isReady())
        QFAIL(qPrintable(m_sandbox.error));

    m_session = std::make_unique<Session>(&m_network);
    QSignalSpy signedIn(m_session.get(), &Session::signedIn);
    QSignalSpy failed(m_session.get(), &Session::signInFailed);
    m_session->signIn(
        m_sandbox.apiRoot, Session::Method::Password, m_sandbox.username, m_sandbox.password);
    QTRY_VERIFY_WITH_TIMEOUT(!signedIn.isEmpty() || !failed.isEmpty(), 10000);
    QVERIFY2(failed.isEmpty(), "signing in to the sandbox as its admin failed");

    // The sandbox lists its reserved admin among the users by default.
    m_expectedRows = kSeededUsers + 1;
}

void TestMainWindow::cleanupTestCase()
{
    stopSandbox(m_sandbox);
}

void TestMainWindow::loadInto(MainWindow& window)
{
    QSignalSpy finished(&window, &MainWindow::loadFinished);
    window.refresh();
    QVERIFY(window.isLoading());
    QVERIFY(finished.wait(15000));
    QCOMPARE(finished.first().first().toBool(), true);
}

void TestMainWindow::rowsAppearWithCounts()
{
    MainWindow window(m_session.get());
    window.show();
    loadInto(window);

    QCOMPARE(window.userModel()->rowCount(), m_expectedRows);
    auto* view = window.findChild<QTableView*>(QStringLiteral("userView"));
    QVERIFY(view);
    QCOMPARE(view->model()->rowCount(), m_expectedRows);
    QCOMPARE(window.countText(), QStringLiteral("%1 users").arg(m_expectedRows));
    QVERIFY(window.statusBar()->findChildren<QLabel*>().size() >= 2);
    QVERIFY(window.noticeText().isEmpty());

    // The reserved admin is there, marked as such.
    const int adminRow = window.userModel()->rowOfId(m_session->currentUser().id);
    QVERIFY(adminRow >= 0);
    QCOMPARE(window.userModel()->index(adminRow, UserTableModel::KindColumn).data().toString(),
        QStringLiteral("Reserved admin"));
}

void TestMainWindow::searchNarrowsRows()
{
    MainWindow window(m_session.get());
    window.show();
    loadInto(window);

    // Type a username the way a person would, one key at a time, into the search field.
    const QString target = window.userModel()->userAt(42).username;
    auto* search = window.findChild<QLineEdit*>(QStringLiteral("searchEdit"));
    QVERIFY(search);
    search->setFocus();
    QTest::keyClicks(search, target);

    QTRY_VERIFY(window.filterModel()->rowCount() < m_expectedRows);
    QVERIFY(window.filterModel()->rowCount() >= 1);
    for (int row = 0; row < window.filterModel()->rowCount(); ++row) {
        const QString username = window.filterModel()->index(row, 0).data().toString();
        const QString name = window.filterModel()->index(row, 1).data().toString();
        const QString email = window.filterModel()->index(row, 2).data().toString();
        QVERIFY2(username.contains(target, Qt::CaseInsensitive)
                || name.contains(target, Qt::CaseInsensitive)
                || email.contains(target, Qt::CaseInsensitive),
            qPrintable(username));
    }
    QCOMPARE(window.countText(),
        QStringLiteral("Showing %1 of %2 users")
            .arg(window.filterModel()->rowCount())
            .arg(m_expectedRows));

    // Clearing the search shows every row again.
    search->clear();
    QTRY_COMPARE(window.filterModel()->rowCount(), m_expectedRows);
    QCOMPARE(window.countText(), QStringLiteral("%1 users").arg(m_expectedRows));
}

void TestMainWindow::searchIsCaseInsensitiveAcrossColumns()
{
    MainWindow window(m_session.get());
    loadInto(window);

    const zenml::users::User& someone = window.userModel()->userAt(10);
    QVERIFY(!someone.email.isEmpty());
    const QString domainPart = someone.email.section(u'@', 1).toUpper();
    window.setSearchText(domainPart);
    QTRY_VERIFY(window.filterModel()->rowCount() >= 1);
    QVERIFY(window.filterModel()->rowCount() <= m_expectedRows);

    window.setSearchText(QStringLiteral("no such user anywhere 9f8e7d"));
    QTRY_COMPARE(window.filterModel()->rowCount(), 0);
    QCOMPARE(window.countText(), QStringLiteral("Showing 0 of %1 users").arg(m_expectedRows));
}

void TestMainWindow::sortingSurvivesRefresh()
{
    MainWindow window(m_session.get());
    window.show();
    loadInto(window);

    auto* view = window.findChild<QTableView*>(QStringLiteral("userView"));
    view->sortByColumn(UserTableModel::EmailColumn, Qt::DescendingOrder);
    const auto isSortedByEmailDescending = [&] {
        for (int row = 1; row < window.filterModel()->rowCount(); ++row) {
            const QString above = window.filterModel()->index(row - 1, 2).data().toString();
            const QString below = window.filterModel()->index(row, 2).data().toString();
            if (QString::compare(above, below, Qt::CaseInsensitive) < 0)
                return false;
        }
        return true;
    };
    QVERIFY(isSortedByEmailDescending());

    loadInto(window);
    QCOMPARE(window.filterModel()->rowCount(), m_expectedRows);
    QCOMPARE(view->horizontalHeader()->sortIndicatorSection(), int(UserTableModel::EmailColumn));
    QVERIFY(isSortedByEmailDescending());
}

// F5 pressed again just as a refresh's pages are all in, while that list is being put in
// order on a worker thread: the window waits for the newer list and says "loaded" once.
void TestMainWindow::refreshWhileTheLastOneIsPutInOrder()
{
    using zenml::controlplane::UserListJob;
    MainWindow window(m_session.get());
    window.show();
    loadInto(window);

    const auto runningJob = [this]() -> UserListJob* {
        for (UserListJob* job : m_session->client()->findChildren<UserListJob*>()) {
            if (!job->isFinished())
                return job;
        }
        return nullptr;
    };
    QSignalSpy loaded(&window, &MainWindow::loadFinished);
    window.refresh();
    UserListJob* first = runningJob();
    QVERIFY(first);
    bool secondFinished = false;
    // Connected after the window's own handler: the first list is then being put in order.
    connect(first, &UserListJob::finished, this, [&] {
        QVERIFY(window.isLoading());
        window.refresh();
        UserListJob* second = runningJob();
        QVERIFY(second);
        connect(second, &UserListJob::finished, this, [&] { secondFinished = true; });
    });
    bool secondDoneAtLoaded = false;
    connect(&window, &MainWindow::loadFinished, this, [&] { secondDoneAtLoaded = secondFinished; });

    QVERIFY(loaded.wait(15000));
    QVERIFY2(secondDoneAtLoaded,
        qPrintable(QStringLiteral("the first refresh's list was shown as the newer one's (%1: %2)")
                       .arg(loaded.first().first().toBool())
                       .arg(window.noticeText())));
    QCOMPARE(loaded.first().first().toBool(), true);
    QVERIFY(!window.isLoading());
    QCOMPARE(window.userModel()->rowCount(), m_expectedRows);
    QTest::qWait(200);
    QCOMPARE(loaded.size(), 1);
}

// Runs last: it stops the sandbox. The server going away in the middle of the work must not
// empty the table or pretend the list is fresh.
void TestMainWindow::failedRefreshKeepsPreviousList()
{
    MainWindow window(m_session.get());
    window.show();
    loadInto(window);
    QCOMPARE(window.userModel()->rowCount(), m_expectedRows);

    stopSandbox(m_sandbox);

    QSignalSpy finished(&window, &MainWindow::loadFinished);
    window.refresh();
    QVERIFY(finished.wait(15000));
    QCOMPARE(finished.first().first().toBool(), false);
    QCOMPARE(window.userModel()->rowCount(), m_expectedRows);
    QVERIFY2(window.noticeText().contains(QStringLiteral("Could not refresh")),
        qPrintable(window.noticeText()));
    QVERIFY(!window.isLoading());
}

QTEST_MAIN(TestMainWindow)
#include "tst_main_window.moc"
