namespace zenml::ui { }
