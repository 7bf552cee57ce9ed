// The yardstick of the start-up figure: a Qt Widgets program that shows one window with a
// label, started the same way as zenml-pro-admin.

#include <QApplication>
#include <QLabel>
#include <QMainWindow>

int main(int argc, char* argv[])
{
    QApplication app(argc, argv);
    QMainWindow window;
    window.setCentralWidget(new QLabel(QStringLiteral("A minimal Qt Widgets window")));
    window.resize(640, 480);
    window.show();
    return app.exec();
}
