// Capybara
