#include "MainWindow.h"

#include "AccountActions.h"
#include "Logging.h"
#include "controlplane/ApiClient.h"
#include "controlplane/BackgroundTask.h"
#include "session/Session.h"
#include "ui_MainWindow.h"
#include "users/UserFilterModel.h"
#include "users/UserTableModel.h"

#include <QCloseEvent>
#include <QHeaderView>
#include <QLabel>
#include <QMenu>
#include <QMessageBox>
#include <QProgressBar>
#include <QSettings>
#include <QStatusBar>
#include <QTime>
#include <QTimer>

namespace zenml::ui {

using controlplane::ApiError;
using users::UserFilterModel;
using users::UserTableModel;

namespace {

// Long enough to let a word be typed without filtering at every letter, short enough that the
// table seems to follow the keyboard.
constexpr int kSearchDebounceMs = 120;

// While a first list loads, pages arriving within this time are appended together: each
// append sorts every row shown (~20 ms at 100,000 rows), so one per page would cost the
// window more than the pages take to arrive. A batch is cut at kAppendBatchRows, so that no
// single append keeps the window busy for long (~35 ms for 8,000 rows onto 92,000).
constexpr int kAppendBatchMs = 200;
constexpr int kAppendBatchRows = 8000;

// "1 user", "250 users". Written out here because Qt picks plural forms only from a loaded
// translation, and the program ships in English without one.
QString userCount(int count)
{
    return count == 1 ? MainWindow::tr("1 user") : MainWindow::tr("%1 users").arg(count);
}

QString settingsGroup()
{
    return QStringLiteral("MainWindow");
}

} // namespace

MainWindow::MainWindow(session::Session* session, QWidget* parent)
    : QMainWindow(parent)
    , m_ui(std::make_unique<Ui::MainWindow>())
    , m_session(session)
    , m_model(new UserTableModel(this))
    , m_filter(new UserFilterModel(this))
    , m_appendTimer(new QTimer(this))
    , m_actions(nullptr)
    , m_searchDebounce(new QTimer(this))
    , m_identityLabel(new QLabel(this))
    , m_countLabel(new QLabel(this))
    , m_secretLabel(new QLabel(this))
    , m_busyBar(new QProgressBar(this))
{
    m_ui->setupUi(this);
    m_model->setReservedAdminUsername(m_session->reservedAdminUsername());
    m_filter->setSourceModel(m_model);
    m_ui->userView->setModel(m_filter);
    m_ui->userView->sortByColumn(UserTableModel::UsernameColumn, Qt::AscendingOrder);
    m_ui->noticeLabel->setVisible(false);

    m_actions = new AccountActions(m_session, m_model, m_filter, m_ui->userView, this);
    m_ui->mainToolBar->addSeparator();
    m_ui->mainToolBar->addActions(m_actions->actions());
    m_ui->accountsMenu->addActions(m_actions->actions());
    connect(m_actions, &AccountActions::notice, this, &MainWindow::showNotice);
    connect(m_actions, &AccountActions::busyChanged, this, &MainWindow::updateBusy);
    connect(m_actions, &AccountActions::rightsLost, this, &MainWindow::sessionEnded);
    connect(m_session, &session::Session::sessionExpired, this, &MainWindow::sessionEnded);
    connect(
        m_ui->userView, &QWidget::customContextMenuRequested, this, &MainWindow::showContextMenu);
    const QString readOnly = m_actions->readOnlyReason();
    m_ui->readOnlyLabel->setText(readOnly);
    m_ui->readOnlyLabel->setVisible(!readOnly.isEmpty());

    // Fixed, compact rows: a table of 100,000 accounts never measures row heights.
    QHeaderView* rows = m_ui->userView->verticalHeader();
    rows->setSectionResizeMode(QHeaderView::Fixed);
    rows->setDefaultSectionSize(fontMetrics().height() + 6);

    QHeaderView* header = m_ui->userView->horizontalHeader();
    header->setSectionsMovable(true);
    header->resizeSection(UserTableModel::UsernameColumn, 220);
    header->resizeSection(UserTableModel::NameColumn, 180);
    header->resizeSection(UserTableModel::EmailColumn, 240);
    header->resizeSection(UserTableModel::KindColumn, 120);
    header->resizeSection(UserTableModel::SuperuserColumn, 90);
    header->resizeSection(UserTableModel::ActiveColumn, 70);

    m_busyBar->setRange(0, 0);
    m_busyBar->setMaximumWidth(120);
    m_busyBar->setTextVisible(false);
    m_busyBar->setVisible(false);
    statusBar()->addWidget(m_identityLabel, 1);
    m_secretLabel->setVisible(false);
    statusBar()->addPermanentWidget(m_secretLabel);
    statusBar()->addPermanentWidget(m_busyBar);
    statusBar()->addPermanentWidget(m_countLabel);

    m_appendTimer->setSingleShot(true);
    m_appendTimer->setInterval(kAppendBatchMs);
    connect(m_appendTimer, &QTimer::timeout, this, &MainWindow::appendPendingPages);
    m_searchDebounce->setSingleShot(true);
    m_searchDebounce->setInterval(kSearchDebounceMs);
    connect(m_searchDebounce, &QTimer::timeout, this, &MainWindow::applySearch);
    connect(
        m_ui->searchEdit, &QLineEdit::textChanged, m_searchDebounce, qOverload<>(&QTimer::start));

    connect(m_filter, &QAbstractItemModel::rowsInserted, this, &MainWindow::updateCounts);
    connect(m_filter, &QAbstractItemModel::rowsRemoved, this, &MainWindow::updateCounts);
    connect(m_filter, &QAbstractItemModel::modelReset, this, &MainWindow::updateCounts);
    connect(m_filter, &QAbstractItemModel::layoutChanged, this, &MainWindow::updateCounts);

    connect(m_ui->actionRefresh, &QAction::triggered, this, &MainWindow::refresh);
    connect(m_ui->actionFind, &QAction::triggered, this, [this] {
        m_ui->searchEdit->setFocus(Qt::ShortcutFocusReason);
        m_ui->searchEdit->selectAll();
    });
    connect(m_ui->actionSignOut, &QAction::triggered, this, &MainWindow::signOutRequested);
    connect(m_ui->actionSetUp, &QAction::triggered, this, &MainWindow::setUpRequested);
    connect(m_ui->actionQuit, &QAction::triggered, this, &QWidget::close);
    connect(m_ui->actionAbout, &QAction::triggered, this, [this] {
        QMessageBox::about(this, tr("About ZenML Pro Admin"),
            tr("<b>ZenML Pro Admin</b> %1<br>Manages the user accounts of a "
               "self-hosted ZenML Pro control plane.")
                .arg(QStringLiteral(ZENML_VERSION)));
    });

    updateIdentity();
    updateCounts();
    restoreLayout();
}

MainWindow::~MainWindow()
{
    delete m_listJob;
}

bool MainWindow::isLoading() const
{
    return !m_listJob.isNull() || m_buildingList;
}

QString MainWindow::countText() const
{
    return m_countLabel->text();
}

QString MainWindow::noticeText() const
{
    return m_ui->noticeLabel->isVisible() ? m_ui->noticeLabel->text() : QString();
}

void MainWindow::refresh()
{
    // A refresh during a refresh starts over: the older listing is aborted by its deletion,
    // and a list still being put in order is dropped when it is done.
    delete m_listJob;
    ++m_listGeneration;
    m_buildingList = false;
    m_pendingPages.clear();
    m_appendTimer->stop();
    m_appendLive = m_model->rowCount() == 0;

    m_listJob = m_session->client()->listUsers();
    connect(m_listJob, &controlplane::UserListJob::pagePrepared, this, &MainWindow::onPagePrepared);
    connect(m_listJob, &controlplane::UserListJob::finished, this, &MainWindow::onListFinished);
    m_actions->setListLoading(true);
    updateBusy();
    updateCounts();
    qCInfo(lcUi) << "loading the user list from" << m_session->apiRoot().toDisplayString();
    m_listJob->start();
}

void MainWindow::setSearchText(const QString& text)
{
    m_ui->searchEdit->setText(text);
}

void MainWindow::closeEvent(QCloseEvent* event)
{
    saveLayout();
    event->accept();
}

void MainWindow::onPagePrepared(const users::PreparedUsers& page)
{
    m_pendingPages.append({ {}, page.rows }); // the rows only: the Users are twice as large
    if (!m_appendLive)
        return;
    // The first page shows at once; later ones gather for a while.
    qsizetype pendingRows = 0;
    for (const users::PreparedUsers& pending : std::as_const(m_pendingPages))
        pendingRows += pending.size();
    if (m_model->rowCount() == 0 || pendingRows >= kAppendBatchRows)
        appendPendingPages();
    else if (!m_appendTimer->isActive())
        m_appendTimer->start();
}

void MainWindow::appendPendingPages()
{
    m_appendTimer->stop();
    if (m_pendingPages.isEmpty())
        return;
    users::PreparedUsers batch;
    if (m_pendingPages.size() == 1) {
        batch = m_pendingPages.takeFirst();
    } else {
        qsizetype rows = 0;
        for (const users::PreparedUsers& page : std::as_const(m_pendingPages))
            rows += page.size();
        batch.rows.reserve(rows);
        for (const users::PreparedUsers& page : std::as_const(m_pendingPages))
            batch.rows += page.rows;
    }
    m_pendingPages.clear();
    m_model->appendPrepared(batch);
    updateCounts();
}

void MainWindow::onListFinished(const ApiError& error)
{
    const auto job = m_listJob;
    m_listJob = nullptr;
    if (job)
        job->deleteLater();

    if (!error.isError() && !m_appendLive) {
        // A refresh: the whole list is put in order (deduplicated, indexed, ranked by the
        // sort column) on a worker thread, then swapped in with one reset.
        m_buildingList = true;
        const quint64 generation = m_listGeneration;
        controlplane::runInBackground(
            this,
            [pages = std::move(m_pendingPages), column = m_filter->sortColumn(),
                admin = m_model->reservedAdminUsername()]() mutable {
                return UserTableModel::buildContents(std::move(pages), column, admin);
            },
            [this, generation](
                UserTableModel::Contents contents) { applyRefreshedList(generation, contents); });
        m_pendingPages.clear();
        return;
    }

    if (!error.isError()) {
        appendPendingPages();
        listLoaded();
        return;
    }

    m_actions->setListLoading(false);
    updateBusy();

    qCWarning(lcUi) << "user list failed:" << error.message;
    if (error.kind == ApiError::Kind::Unauthorized) {
        // Signing in again was tried once already (the client does it on the first 401).
        m_pendingPages.clear();
        m_appendTimer->stop();
        Q_EMIT loadFinished(false);
        Q_EMIT sessionEnded(
            tr("The server no longer accepts this session: %1 Sign in again.").arg(error.message));
        return;
    }
    if (m_appendLive) {
        appendPendingPages(); // what arrived before the failure is shown
        m_listIncomplete = true;
        m_loadedAt = QTime::currentTime();
        showNotice(tr("The list is incomplete: %1 loaded, then the server failed: %2 "
                      "Press F5 to try again.")
                       .arg(userCount(m_model->rowCount()), error.message));
    } else if (m_listIncomplete) {
        showNotice(tr("Could not refresh the list: %1 The list shown is still the incomplete "
                      "one loaded at %2. Press F5 to try again.")
                       .arg(error.message, m_loadedAt.toString(u"HH:mm")));
    } else {
        showNotice(tr("Could not refresh the list: %1 The list shown is the one loaded at %2. "
                      "Press F5 to try again.")
                       .arg(error.message, m_loadedAt.toString(u"HH:mm")));
    }
    m_pendingPages.clear();
    updateCounts();
    Q_EMIT loadFinished(false);
}

void MainWindow::applyRefreshedList(quint64 generation, UserTableModel::Contents& contents)
{
    if (generation != m_listGeneration || !m_buildingList)
        return;
    m_buildingList = false;
    m_model->adoptContents(std::move(contents));
    listLoaded();
}

void MainWindow::listLoaded()
{
    m_listIncomplete = false;
    m_loadedAt = QTime::currentTime();
    m_actions->setListLoading(false);
    updateBusy();
    showNotice({});
    updateCounts();
    qCInfo(lcUi) << "user list loaded:" << m_model->rowCount() << "users";
    Q_EMIT loadFinished(true);
}

void MainWindow::applySearch()
{
    m_filter->setSearchText(m_ui->searchEdit->text());
    updateCounts();
}

void MainWindow::updateCounts()
{
    const int loaded = m_model->rowCount();
    const int shown = m_filter->rowCount();
    QString text = shown == loaded ? userCount(loaded)
                                   : tr("Showing %1 of %2").arg(shown).arg(userCount(loaded));
    if (isLoading())
        text += tr(" (loading…)");
    else if (m_listIncomplete)
        text += tr(" (incomplete)");
    m_countLabel->setText(text);
}

void MainWindow::updateIdentity()
{
    const QUrl root = m_session->apiRoot();
    const QString server
        = root.port() > 0 ? root.host() % u':' % QString::number(root.port()) : root.host();
    m_identityLabel->setText(
        tr("Signed in to %1 as %2").arg(server, m_session->currentUser().username));
    setWindowTitle(tr("%1 — ZenML Pro Admin").arg(server));
}

void MainWindow::showNotice(const QString& text)
{
    m_ui->noticeLabel->setText(text);
    m_ui->noticeLabel->setVisible(!text.isEmpty());
}

void MainWindow::setSecretNotRemembered(const QString& reason)
{
    m_secretLabel->setText(tr("⚠ Secret not remembered"));
    m_secretLabel->setToolTip(reason);
    m_secretLabel->setVisible(!reason.isEmpty());
    showNotice(reason);
}

QString MainWindow::secretNote() const
{
    return m_secretLabel->isVisible() ? m_secretLabel->toolTip() : QString();
}

void MainWindow::updateBusy()
{
    const bool busy = isLoading() || m_actions->isBusy();
    m_busyBar->setVisible(busy);
    if (busy)
        m_ui->userView->viewport()->setCursor(Qt::BusyCursor);
    else
        m_ui->userView->viewport()->unsetCursor();
}

void MainWindow::showContextMenu(const QPoint& position)
{
    auto* menu = new QMenu(this);
    menu->setAttribute(Qt::WA_DeleteOnClose);
    menu->setToolTipsVisible(true);
    menu->addActions(m_actions->actions());
    menu->addSeparator();
    menu->addAction(m_ui->actionRefresh);
    menu->popup(m_ui->userView->viewport()->mapToGlobal(position));
}

void MainWindow::restoreLayout()
{
    QSettings settings;
    settings.beginGroup(settingsGroup());
    restoreGeometry(settings.value(QStringLiteral("geometry")).toByteArray());
    restoreState(settings.value(QStringLiteral("state")).toByteArray());
    m_ui->userView->horizontalHeader()->restoreState(
        settings.value(QStringLiteral("header")).toByteArray());
}

void MainWindow::saveLayout() const
{
    QSettings settings;
    settings.beginGroup(settingsGroup());
    settings.setValue(QStringLiteral("geometry"), saveGeometry());
    settings.setValue(QStringLiteral("state"), saveState());
    settings.setValue(QStringLiteral("header"), m_ui->userView->horizontalHeader()->saveState());
}

} // namespace zenml::ui
