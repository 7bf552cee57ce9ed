#include "UserTableModel.h"

#include "AccountRules.h"

#include <algorithm>

namespace zenml::users {

namespace {

int kindIndex(AccountKind kind)
{
    return static_cast<int>(kind);
}

template <typename T> int compareValues(const T& left, const T& right)
{
    return left < right ? -1 : (right < left ? 1 : 0);
}

constexpr AccountKind kAllKinds[] = { AccountKind::Local, AccountKind::Sso,
    AccountKind::ServiceAccount, AccountKind::ReservedAdmin };

// Compares two rows the way the view sorts them, on any thread.
class RowOrder
{
public:
    RowOrder(const QList<UserRow>& rows, const QString& reservedAdminUsername,
        const QString* foldedKindLabels)
        : m_rows(rows)
        , m_reservedAdmin(reservedAdminUsername)
        , m_kindLabels(foldedKindLabels)
    { }

    int compare(int leftRow, int rightRow, int column) const
    {
        const UserRow& left = m_rows.at(leftRow);
        const UserRow& right = m_rows.at(rightRow);

        int order = 0;
        switch (column) {
        case UserTableModel::UsernameColumn:
            order = left.foldedUsername().compare(right.foldedUsername());
            break;
        case UserTableModel::NameColumn:
            order = left.foldedName().compare(right.foldedName());
            break;
        case UserTableModel::EmailColumn:
            order = left.foldedEmail().compare(right.foldedEmail());
            break;
        case UserTableModel::KindColumn:
            order = m_kindLabels[kindOf(leftRow)].compare(m_kindLabels[kindOf(rightRow)]);
            break;
        case UserTableModel::SuperuserColumn:
            order = compareValues(left.isSuperuser(), right.isSuperuser());
            break;
        case UserTableModel::ActiveColumn:
            order = compareValues(left.isActive(), right.isActive());
            break;
        case UserTableModel::MustChangePasswordColumn:
            order = compareValues(left.passwordExpired(), right.passwordExpired());
            break;
        }
        // Equal keys fall back to the username so that a sorted view is stable across
        // refreshes.
        if (order == 0 && column != UserTableModel::UsernameColumn)
            order = left.foldedUsername().compare(right.foldedUsername());
        return order;
    }

    // Each row's position when sorted by `column`. When the first `rankedRows` rows are
    // ranked already (`previous`) and the others were appended since, only the new rows are
    // sorted and then merged in: one pass instead of a full sort while pages arrive.
    std::vector<int> rank(int column, const std::vector<int>* previous, int rankedRows)
    {
        const int rows = int(m_rows.size());
        if (column == UserTableModel::KindColumn) {
            m_kinds.resize(rows);
            for (int row = 0; row < rows; ++row)
                m_kinds[row] = quint8(kindIndex(m_rows.at(row).kind(m_reservedAdmin)));
        }
        const auto less
            = [this, column](int left, int right) { return compare(left, right, column) < 0; };
        std::vector<int> order(rows);
        if (previous && rankedRows > 0) {
            std::vector<int> old(rankedRows);
            for (int row = 0; row < rankedRows; ++row)
                old[(*previous)[row]] = row;
            std::vector<int> fresh(rows - rankedRows);
            for (int row = rankedRows; row < rows; ++row)
                fresh[row - rankedRows] = row;
            std::sort(fresh.begin(), fresh.end(), less);
            std::merge(old.cbegin(), old.cend(), fresh.cbegin(), fresh.cend(), order.begin(), less);
        } else {
            for (int row = 0; row < rows; ++row)
                order[row] = row;
            std::sort(order.begin(), order.end(), less);
        }
        std::vector<int> rank(rows, 0);
        for (int position = 0; position < rows; ++position)
            rank[order[position]] = position;
        return rank;
    }

private:
    int kindOf(int row) const
    {
        return m_kinds.empty() ? kindIndex(m_rows.at(row).kind(m_reservedAdmin)) : m_kinds[row];
    }

    const QList<UserRow>& m_rows;
    const QString& m_reservedAdmin;
    const QString* m_kindLabels;
    std::vector<quint8> m_kinds; // while ranking by kind
};

void foldedKindLabels(QString (&labels)[4])
{
    for (const AccountKind kind : kAllKinds)
        labels[kindIndex(kind)] = accountKindLabel(kind).toCaseFolded();
}

} // namespace

void UserTableModel::IdIndex::insert(QStringView id, int row)
{
    const size_t key = qHash(id);
    if (m_byHash.contains(key))
        m_collided.insert(id.toString(), row);
    else
        m_byHash.insert(key, row);
}

int UserTableModel::IdIndex::find(QStringView id, const QList<UserRow>& rows) const
{
    const auto it = m_byHash.constFind(qHash(id));
    if (it != m_byHash.cend() && rows.at(*it).id() == id)
        return *it;
    if (m_collided.isEmpty())
        return -1;
    return m_collided.value(id.toString(), -1);
}

void UserTableModel::IdIndex::remove(QStringView id, int row)
{
    const auto it = m_byHash.find(qHash(id));
    if (it != m_byHash.end() && *it == row)
        m_byHash.erase(it);
    else
        m_collided.remove(id.toString());
}

void UserTableModel::IdIndex::rowRemoved(int removedRow)
{
    for (int& row : m_byHash) {
        if (row > removedRow)
            --row;
    }
    for (int& row : m_collided) {
        if (row > removedRow)
            --row;
    }
}

UserTableModel::UserTableModel(QObject* parent)
    : QAbstractTableModel(parent)
    , m_yes(tr("Yes"))
    , m_no(tr("No"))
{
    for (const AccountKind kind : kAllKinds)
        m_kindLabels[kindIndex(kind)] = accountKindLabel(kind);
    foldedKindLabels(m_foldedKindLabels);
}

QModelIndex UserTableModel::index(int row, int column, const QModelIndex& parent) const
{
    if (parent.isValid() || row < 0 || row >= m_rows.size() || column < 0 || column >= ColumnCount)
        return {};
    return createIndex(row, column);
}

int UserTableModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_rows.size());
}

int UserTableModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant UserTableModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};

    const int row = index.row();
    const UserRow& user = m_rows.at(row);

    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case UsernameColumn:
            return user.username().toString();
        case NameColumn:
            return user.name().toString();
        case EmailColumn:
            return user.email().toString();
        case KindColumn:
            return m_kindLabels[kindIndex(user.kind(m_reservedAdminUsername))];
        case SuperuserColumn:
            return user.isSuperuser() ? m_yes : QString();
        case ActiveColumn:
            return user.isActive() ? m_yes : m_no;
        case MustChangePasswordColumn:
            return user.passwordExpired() ? m_yes : QString();
        }
        break;

    case SortRole:
        switch (index.column()) {
        case UsernameColumn:
            return user.foldedUsername().toString();
        case NameColumn:
            return user.foldedName().toString();
        case EmailColumn:
            return user.foldedEmail().toString();
        case KindColumn:
            return m_foldedKindLabels[kindIndex(user.kind(m_reservedAdminUsername))];
        case SuperuserColumn:
            return int(user.isSuperuser());
        case ActiveColumn:
            return int(user.isActive());
        case MustChangePasswordColumn:
            return int(user.passwordExpired());
        }
        break;

    case UserIdRole:
        return user.id().toString();

    case SearchTextRole:
        // A newline cannot be typed into the search field, so a match never spans two fields.
        return QString(user.foldedUsername() % QLatin1Char('\n') % user.foldedName()
            % QLatin1Char('\n') % user.foldedEmail());

    case Qt::TextAlignmentRole:
        if (index.column() >= SuperuserColumn)
            return QVariant::fromValue(Qt::Alignment(Qt::AlignCenter));
        break;

    case Qt::ToolTipRole:
        switch (index.column()) {
        case UsernameColumn:
            return tr("Account id: %1").arg(user.id());
        case KindColumn:
            switch (user.kind(m_reservedAdminUsername)) {
            case AccountKind::Local:
                return tr("Signs in with a username and password kept by the control plane.");
            case AccountKind::Sso:
                return tr("Signs in through single sign-on (%1); it has no local password.")
                    .arg(user.oauthProvider().isEmpty() ? tr("provider not named")
                                                        : user.oauthProvider().toString());
            case AccountKind::ServiceAccount:
                return tr("A service account used by programs through API keys.");
            case AccountKind::ReservedAdmin:
                return tr("The deployment's reserved admin account: it cannot be deleted or "
                          "renamed.");
            }
            break;
        case ActiveColumn:
            if (!user.isActive())
                return tr("This account is deactivated and cannot sign in.");
            break;
        case MustChangePasswordColumn:
            if (user.passwordExpired())
                return tr("The user must choose a new password at the next sign-in.");
            break;
        }
        break;
    }
    return {};
}

QVariant UserTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);

    switch (section) {
    case UsernameColumn:
        return tr("Username");
    case NameColumn:
        return tr("Name");
    case EmailColumn:
        return tr("E-mail");
    case KindColumn:
        return tr("Kind");
    case SuperuserColumn:
        return tr("Super-user");
    case ActiveColumn:
        return tr("Active");
    case MustChangePasswordColumn:
        return tr("Must change password");
    }
    return {};
}

Qt::ItemFlags UserTableModel::flags(const QModelIndex& index) const
{
    if (!index.isValid())
        return QAbstractTableModel::flags(index);
    return QAbstractTableModel::flags(index) | Qt::ItemNeverHasChildren;
}

void UserTableModel::clear()
{
    adoptContents({});
}

void UserTableModel::resetUsers(const UserList& users)
{
    adoptContents(buildContents({ PreparedUsers::prepare(users) }, -1, m_reservedAdminUsername));
}

UserTableModel::Contents UserTableModel::buildContents(
    QList<PreparedUsers> pages, int sortColumn, const QString& reservedAdminUsername)
{
    Contents contents;
    qsizetype rows = 0;
    for (const PreparedUsers& page : std::as_const(pages))
        rows += page.size();
    contents.rows.reserve(rows);
    contents.rowById.reserve(rows);
    for (PreparedUsers& page : pages) {
        for (UserRow& row : page.rows) {
            if (!row.id().isEmpty()) {
                const int existing = contents.rowById.find(row.id(), contents.rows);
                if (existing >= 0) {
                    // A duplicate id keeps its first position and the latest values.
                    contents.rows[existing] = std::move(row);
                    continue;
                }
                contents.rowById.insert(row.id(), int(contents.rows.size()));
            }
            contents.rows.append(std::move(row));
        }
        page = {}; // the pages' memory goes as the rows are taken
    }

    if (sortColumn >= 0 && sortColumn < ColumnCount) {
        QString kindLabels[4];
        foldedKindLabels(kindLabels);
        RowOrder order(contents.rows, reservedAdminUsername, kindLabels);
        contents.rank = order.rank(sortColumn, nullptr, 0);
        contents.rankColumn = sortColumn;
    }
    return contents;
}

void UserTableModel::adoptContents(Contents contents)
{
    rowsChanged();
    beginResetModel();
    m_rows = std::move(contents.rows);
    m_rowById = std::move(contents.rowById);
    if (contents.rankColumn >= 0 && contents.rankColumn < ColumnCount
        && contents.rank.size() == size_t(m_rows.size())) {
        // Ranked for this very structure: the proxy's sort on reset compares integers.
        m_rank[contents.rankColumn] = std::move(contents.rank);
        m_rankStructure[contents.rankColumn] = m_structureVersion;
        m_rankedRows[contents.rankColumn] = int(m_rows.size());
    }
    endResetModel();
}

void UserTableModel::appendPrepared(const PreparedUsers& users)
{
    // Split the batch into rows that replace known ids and rows that are new.
    QList<qsizetype> fresh;
    fresh.reserve(users.size());
    QHash<QStringView, qsizetype> freshIndex;
    int firstChanged = -1;
    int lastChanged = -1;
    for (qsizetype at = 0; at < users.size(); ++at) {
        const UserRow& user = users.rows.at(at);
        if (!user.id().isEmpty()) {
            if (const int row = m_rowById.find(user.id(), m_rows); row >= 0) {
                m_rows[row] = user;
                firstChanged = firstChanged < 0 ? row : std::min(firstChanged, row);
                lastChanged = std::max(lastChanged, row);
                continue;
            }
            if (const auto earlier = freshIndex.constFind(user.id());
                earlier != freshIndex.cend()) {
                fresh[*earlier] = at; // the later values win, at the first position
                continue;
            }
            freshIndex.insert(user.id(), fresh.size());
        }
        fresh.append(at);
    }

    rowsChanged(/*appendOnly=*/firstChanged < 0);
    if (firstChanged >= 0)
        Q_EMIT dataChanged(index(firstChanged, 0), index(lastChanged, ColumnCount - 1));

    if (fresh.isEmpty())
        return;
    const int first = int(m_rows.size());
    beginInsertRows({}, first, first + int(fresh.size()) - 1);
    m_rows.reserve(m_rows.size() + fresh.size());
    for (const qsizetype at : std::as_const(fresh)) {
        const UserRow& user = users.rows.at(at);
        if (!user.id().isEmpty())
            m_rowById.insert(user.id(), int(m_rows.size()));
        m_rows.append(user);
    }
    endInsertRows();
}

void UserTableModel::upsertUser(const User& user)
{
    const int row = rowOfId(user.id);
    if (row < 0) {
        appendUsers(UserList { user });
        return;
    }
    replaceRow(row, user);
}

bool UserTableModel::removeUser(const QString& id)
{
    const int row = rowOfId(id);
    if (row < 0)
        return false;

    rowsChanged();
    beginRemoveRows({}, row, row);
    m_rowById.remove(id, row);
    m_rowById.rowRemoved(row);
    m_rows.removeAt(row);
    endRemoveRows();
    return true;
}

int UserTableModel::rowOfId(const QString& id) const
{
    if (id.isEmpty())
        return -1;
    return m_rowById.find(id, m_rows);
}

User UserTableModel::userAt(int row) const
{
    Q_ASSERT(row >= 0 && row < m_rows.size());
    return m_rows.at(row).unpack();
}

UserList UserTableModel::users() const
{
    UserList users;
    users.reserve(m_rows.size());
    for (const UserRow& row : m_rows)
        users.append(row.unpack());
    return users;
}

UserList UserTableModel::superusers() const
{
    UserList users;
    for (const UserRow& row : m_rows) {
        if (row.isSuperuser())
            users.append(row.unpack());
    }
    return users;
}

std::optional<User> UserTableModel::userWithUsername(
    const QString& username, const QString& exceptId) const
{
    for (const UserRow& row : m_rows) {
        if (sameUsername(row.username(), username) && (exceptId.isEmpty() || row.id() != exceptId))
            return row.unpack();
    }
    return std::nullopt;
}

bool UserTableModel::searchTextContains(int row, const QString& foldedText) const
{
    // Both sides are case-folded, so a plain comparison is a case-insensitive one.
    const UserRow& user = m_rows.at(row);
    return user.foldedUsername().contains(foldedText, Qt::CaseSensitive)
        || user.foldedName().contains(foldedText, Qt::CaseSensitive)
        || user.foldedEmail().contains(foldedText, Qt::CaseSensitive);
}

void UserTableModel::prepareSortKeys(int column) const
{
    if (column < 0 || column >= ColumnCount)
        return;
    const int rows = int(m_rows.size());
    const bool current = m_rankStructure[column] == m_structureVersion;
    if (current && m_rankedRows[column] == rows)
        return;
    RowOrder order(m_rows, m_reservedAdminUsername, m_foldedKindLabels);
    m_rank[column] = order.rank(
        column, current ? &m_rank[column] : nullptr, current ? m_rankedRows[column] : 0);
    m_rankStructure[column] = m_structureVersion;
    m_rankedRows[column] = rows;
}

int UserTableModel::compareRows(int leftRow, int rightRow, int column) const
{
    return RowOrder(m_rows, m_reservedAdminUsername, m_foldedKindLabels)
        .compare(leftRow, rightRow, column);
}

void UserTableModel::setReservedAdminUsername(const QString& username)
{
    if (username == m_reservedAdminUsername)
        return;
    m_reservedAdminUsername = username;
    rowsChanged();
    if (!m_rows.isEmpty())
        Q_EMIT dataChanged(index(0, KindColumn), index(int(m_rows.size()) - 1, KindColumn));
}

void UserTableModel::replaceRow(int row, const User& user)
{
    rowsChanged();
    m_rows[row] = UserRow::pack(user);
    Q_EMIT dataChanged(index(row, 0), index(row, ColumnCount - 1));
}

} // namespace zenml::users
